//! The write jobs' own connection to the SQLite file, driven through SQLite's C API from the job
//! thread. Through sqlx every statement is a hand-off to the connection's thread and every
//! statement result one back; a submission's statements took about a dozen of them, and the
//! job thread and SQLite's thread spent as long waiting for each other as working. Here the job
//! thread borrows the connection from sqlx once per batch (`lock_handle`, sqlx's documented way
//! to call SQLite directly) and runs every statement of the batch itself.
//!
//! The jobs' SQL is the same text sqlx runs elsewhere (statements separated by semicolons,
//! parameters numbered `$1`...), bound from the job's sqlx arguments, so PostgreSQL and an
//! in-memory database keep running the same jobs through sqlx.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ffi::{c_char, c_int, CStr};
use std::ptr::{self, NonNull};

use libsqlite3_sys as ffi;
use sqlx::any::AnyArguments;
use sqlx::error::{DatabaseError, ErrorKind};
use sqlx::sqlite::{LockedSqliteHandle, SqliteConnectOptions, SqliteConnection};
use sqlx::{AnyPool, ConnectOptions, Executor};
use sqlx_core::any::AnyValueKind;

use crate::server::db::{SQLITE_SETTINGS, WRITER_SETTINGS};

/// Statements kept prepared; more distinct jobs than this (there are a few submission shapes)
/// start the cache over.
const MAX_CACHED: usize = 64;

/// A connection for write jobs, with its prepared statements.
pub(super) struct Direct {
    // Declared first: dropped (finalized) before the connection, which refuses to close with
    // statements still open.
    statements: StatementCache,
    conn: SqliteConnection,
}

impl Direct {
    /// Opens a connection to the file of `pool` (the writer's), with the writer's settings.
    pub(super) async fn open(pool: &AnyPool) -> Result<Direct, sqlx::Error> {
        let options = SqliteConnectOptions::try_from(&*pool.connect_options())?;
        let mut conn = options.connect().await?;
        conn.execute(SQLITE_SETTINGS).await?;
        conn.execute(WRITER_SETTINGS).await?;
        Ok(Direct {
            statements: StatementCache::default(),
            conn,
        })
    }

    /// Takes the connection from sqlx's thread for a run of statements.
    pub(super) async fn session(&mut self) -> Result<Session<'_>, sqlx::Error> {
        let mut handle = self.conn.lock_handle().await?;
        let db = handle.as_raw_handle();
        let mut session = Session {
            _handle: handle,
            db,
            statements: &mut self.statements,
        };
        // A run that stopped half-way (a panic) left its transaction open: nothing in it was
        // answered as committed, so it is rolled back.
        // SAFETY: `db` is the open connection, which this session holds locked.
        if unsafe { ffi::sqlite3_get_autocommit(db.as_ptr()) } == 0 {
            session.execute("ROLLBACK")?;
        }
        Ok(session)
    }
}

/// The connection, held by the job thread: nothing else calls SQLite on it meanwhile.
pub(super) struct Session<'a> {
    _handle: LockedSqliteHandle<'a>,
    db: NonNull<ffi::sqlite3>,
    statements: &'a mut StatementCache,
}

impl Session<'_> {
    /// Runs statements without parameters (transaction control).
    pub(super) fn execute(&mut self, sql: &'static str) -> Result<(), sqlx::Error> {
        self.run(sql, &[]).map(|_| ())
    }

    /// Runs the statements of `sql` in order, binding `$n` to the `n`th of `values`, and
    /// returns the first column of the first row any of them returned, as an integer. Stops at
    /// the first failing statement; what the ones before it wrote stays (the caller's savepoint
    /// undoes it).
    pub(super) fn run(&mut self, sql: &'static str, values: &[AnyValueKind<'_>]) -> Result<Option<i64>, sqlx::Error> {
        let db = self.db;
        let prepared = self.statements.get_or_prepare(db, sql)?;
        let mut first = None;
        for statement in prepared.iter() {
            let ran = statement
                .bind(db, values)
                .and_then(|()| statement.step_all(db, &mut first));
            statement.reset();
            ran?;
        }
        Ok(first)
    }

    /// Runs the statements of a job's sqlx arguments (see `run`).
    pub(super) fn run_job(
        &mut self,
        sql: &'static str,
        arguments: Option<AnyArguments<'_>>,
    ) -> Result<Option<i64>, sqlx::Error> {
        match arguments {
            Some(arguments) => self.run(sql, &arguments.values.0),
            None => self.run(sql, &[]),
        }
    }
}

/// Prepared statements by the SQL they were prepared from. Keyed by the text's address: every
/// job's SQL is `'static` and each shape's text is built once, so the address names the text.
#[derive(Default)]
struct StatementCache {
    by_sql: HashMap<(usize, usize), Vec<Statement>>,
}

// SAFETY: the statements are only used through a `Session`, which holds the connection locked
// for the one thread using it, or finalized on drop when nothing else uses the connection.
unsafe impl Send for StatementCache {}

impl StatementCache {
    fn get_or_prepare(&mut self, db: NonNull<ffi::sqlite3>, sql: &'static str) -> Result<&[Statement], sqlx::Error> {
        let key = (sql.as_ptr() as usize, sql.len());
        if !self.by_sql.contains_key(&key) {
            if self.by_sql.len() >= MAX_CACHED {
                self.by_sql.clear();
            }
            let prepared = prepare_all(db, sql)?;
            self.by_sql.insert(key, prepared);
        }
        Ok(&self.by_sql[&key])
    }
}

/// Prepares each statement of `sql` (kept for reuse: `SQLITE_PREPARE_PERSISTENT`).
fn prepare_all(db: NonNull<ffi::sqlite3>, sql: &str) -> Result<Vec<Statement>, sqlx::Error> {
    let mut statements = Vec::new();
    let mut rest = sql.as_bytes();
    while !rest.is_empty() {
        let length = c_int::try_from(rest.len()).map_err(|_| protocol("a job's SQL is too long"))?;
        let (mut raw, mut tail) = (ptr::null_mut(), ptr::null());
        // SAFETY: `rest` is valid for `length` bytes; SQLite writes the statement and the
        // address of the unparsed rest, within `rest`.
        let rc = unsafe {
            ffi::sqlite3_prepare_v3(
                db.as_ptr(),
                rest.as_ptr().cast::<c_char>(),
                length,
                ffi::SQLITE_PREPARE_PERSISTENT,
                &mut raw,
                &mut tail,
            )
        };
        if rc != ffi::SQLITE_OK {
            return Err(last_error(db));
        }
        // SAFETY: `tail` points into `rest` (or at its end).
        let parsed = unsafe { tail.cast::<u8>().offset_from(rest.as_ptr()) };
        // No progress would mean nothing parseable is left.
        let parsed = usize::try_from(parsed).ok().filter(|n| *n > 0).unwrap_or(rest.len());
        rest = &rest[parsed..];
        // Only whitespace or a comment left: no statement.
        let Some(raw) = NonNull::new(raw) else { continue };
        // Owned (finalized on drop) before anything can fail.
        let mut statement = Statement {
            raw,
            parameters: Vec::new(),
        };
        statement.parameters = statement.parameter_numbers()?;
        statements.push(statement);
    }
    Ok(statements)
}

struct Statement {
    raw: NonNull<ffi::sqlite3_stmt>,
    /// For each of the statement's parameters in order, the index of its value (`$n` is n - 1).
    parameters: Vec<usize>,
}

impl Statement {
    fn parameter_numbers(&self) -> Result<Vec<usize>, sqlx::Error> {
        // SAFETY: a prepared statement, not yet finalized.
        let count = unsafe { ffi::sqlite3_bind_parameter_count(self.raw.as_ptr()) };
        (1..=count)
            .map(|position| {
                // SAFETY: as above; the name, when any, is a C string owned by the statement.
                let name = unsafe { ffi::sqlite3_bind_parameter_name(self.raw.as_ptr(), position) };
                let name = (!name.is_null()).then(|| unsafe { CStr::from_ptr(name) }.to_string_lossy());
                name.as_deref()
                    .and_then(|n| n.strip_prefix('$'))
                    .and_then(|n| n.parse::<usize>().ok())
                    .filter(|n| *n >= 1)
                    .map(|n| n - 1)
                    .ok_or_else(|| protocol("a job's parameters must be numbered ($1, $2, ...)"))
            })
            .collect()
    }

    /// Binds the statement's parameters. Text and bytes are bound without a copy: they are
    /// only read until `reset`, which comes before `values` goes.
    fn bind(&self, db: NonNull<ffi::sqlite3>, values: &[AnyValueKind<'_>]) -> Result<(), sqlx::Error> {
        let stmt = self.raw.as_ptr();
        for (position, index) in (1..).zip(&self.parameters) {
            let value = values
                .get(*index)
                .ok_or_else(|| protocol("a job's statement uses a parameter it was not given"))?;
            // SAFETY: a prepared statement; the text and bytes outlive the binding (see above).
            let rc = unsafe {
                match value {
                    AnyValueKind::Null(_) => ffi::sqlite3_bind_null(stmt, position),
                    AnyValueKind::Bool(b) => ffi::sqlite3_bind_int64(stmt, position, i64::from(*b)),
                    AnyValueKind::SmallInt(n) => ffi::sqlite3_bind_int64(stmt, position, i64::from(*n)),
                    AnyValueKind::Integer(n) => ffi::sqlite3_bind_int64(stmt, position, i64::from(*n)),
                    AnyValueKind::BigInt(n) => ffi::sqlite3_bind_int64(stmt, position, *n),
                    AnyValueKind::Real(x) => ffi::sqlite3_bind_double(stmt, position, f64::from(*x)),
                    AnyValueKind::Double(x) => ffi::sqlite3_bind_double(stmt, position, *x),
                    AnyValueKind::Text(text) => {
                        let length = c_int::try_from(text.len()).map_err(|_| protocol("a text value is too long"))?;
                        ffi::sqlite3_bind_text(stmt, position, text.as_ptr().cast(), length, ffi::SQLITE_STATIC())
                    }
                    AnyValueKind::Blob(bytes) => {
                        let length = c_int::try_from(bytes.len()).map_err(|_| protocol("a value is too long"))?;
                        ffi::sqlite3_bind_blob(stmt, position, bytes.as_ptr().cast(), length, ffi::SQLITE_STATIC())
                    }
                    _ => return Err(protocol("a job's parameter has a type SQLite jobs do not bind")),
                }
            };
            if rc != ffi::SQLITE_OK {
                return Err(last_error(db));
            }
        }
        Ok(())
    }

    /// Steps the statement to its end; the first row's first column goes to `first` unless a
    /// statement before filled it.
    fn step_all(&self, db: NonNull<ffi::sqlite3>, first: &mut Option<i64>) -> Result<(), sqlx::Error> {
        let stmt = self.raw.as_ptr();
        loop {
            // SAFETY: a prepared statement with every parameter bound.
            match unsafe { ffi::sqlite3_step(stmt) } {
                ffi::SQLITE_DONE => return Ok(()),
                ffi::SQLITE_ROW => {
                    // SAFETY: the statement is on a row.
                    if first.is_none() && unsafe { ffi::sqlite3_column_count(stmt) } > 0 {
                        // As sqlx would refuse to read anything else as an `i64` (SQLite would
                        // turn NULL or text into 0), and the job's writes are rolled back.
                        if unsafe { ffi::sqlite3_column_type(stmt, 0) } != ffi::SQLITE_INTEGER {
                            return Err(sqlx::Error::Decode(
                                "a write job answered something other than an integer".into(),
                            ));
                        }
                        *first = Some(unsafe { ffi::sqlite3_column_int64(stmt, 0) });
                    }
                }
                _ => return Err(last_error(db)),
            }
        }
    }

    /// Readies the statement for its next run and lets go of its bound values.
    fn reset(&self) {
        // SAFETY: a prepared statement. The error `reset` repeats was already read by `step_all`.
        unsafe {
            ffi::sqlite3_reset(self.raw.as_ptr());
            ffi::sqlite3_clear_bindings(self.raw.as_ptr());
        }
    }
}

impl Drop for Statement {
    fn drop(&mut self) {
        // SAFETY: finalized once, here; nothing else runs on the connection meanwhile (see
        // `StatementCache`).
        unsafe { ffi::sqlite3_finalize(self.raw.as_ptr()) };
    }
}

/// A statement's failure, as sqlx reports SQLite's: the extended result code as the code, so
/// callers tell a unique violation (a lost race) or a busy database apart the same way.
#[derive(Debug)]
struct DirectError {
    code: c_int,
    message: String,
}

fn last_error(db: NonNull<ffi::sqlite3>) -> sqlx::Error {
    // SAFETY: the open connection; the message is a C string SQLite owns until its next call.
    let (code, message) = unsafe {
        let message = ffi::sqlite3_errmsg(db.as_ptr());
        let message = if message.is_null() {
            Cow::Borrowed("unknown error")
        } else {
            CStr::from_ptr(message).to_string_lossy()
        };
        (ffi::sqlite3_extended_errcode(db.as_ptr()), message.into_owned())
    };
    sqlx::Error::Database(Box::new(DirectError { code, message }))
}

fn protocol(what: &str) -> sqlx::Error {
    sqlx::Error::Protocol(what.to_owned())
}

impl std::fmt::Display for DirectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "(code: {}) {}", self.code, self.message)
    }
}

impl std::error::Error for DirectError {}

impl DatabaseError for DirectError {
    fn message(&self) -> &str {
        &self.message
    }

    fn code(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Owned(self.code.to_string()))
    }

    fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
        self
    }

    fn kind(&self) -> ErrorKind {
        match self.code {
            ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => ErrorKind::UniqueViolation,
            ffi::SQLITE_CONSTRAINT_FOREIGNKEY => ErrorKind::ForeignKeyViolation,
            ffi::SQLITE_CONSTRAINT_NOTNULL => ErrorKind::NotNullViolation,
            ffi::SQLITE_CONSTRAINT_CHECK => ErrorKind::CheckViolation,
            _ => ErrorKind::Other,
        }
    }
}
