// The migrations are embedded by `sqlx::migrate!`, which cargo does not see read them: without
// this, a new migration file would not rebuild the crate and the server would run without it.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
