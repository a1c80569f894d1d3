//! The plan policy in force, read from the database on every use so that a version published
//! through any replica applies at once on all of them. Parsing is cached per version row: the
//! only query per use is the id of the newest row, which a signed-in request reads in the same
//! statement as its session.

use std::sync::{Arc, Mutex};

use crate::domain::policy::PlanPolicy;
use crate::server::store::policies;

/// The last version read: its row id and the policy parsed from it.
type Parsed = Option<(i64, Arc<PlanPolicy>)>;

#[derive(Clone, Debug, Default)]
pub struct PolicyCache {
    parsed: Arc<Mutex<Parsed>>,
}

impl PolicyCache {
    /// The newest stored version. Start-up stores one, so none at all is a storage fault.
    pub async fn current(&self, pool: &sqlx::AnyPool) -> Result<Arc<PlanPolicy>, sqlx::Error> {
        let id = policies::current_id(pool)
            .await?
            .ok_or_else(|| sqlx::Error::Protocol("no plan policy is stored".into()))?;
        self.version(pool, id).await
    }

    /// The newest stored version, read on the connection of a transaction in progress. A
    /// caller holding a pooled connection must not wait for a second one: enough of them at
    /// once would hold the whole pool, each waiting for one more.
    pub async fn current_in(&self, conn: &mut sqlx::AnyConnection) -> Result<Arc<PlanPolicy>, sqlx::Error> {
        let (id, body) = policies::newest(conn)
            .await?
            .ok_or_else(|| sqlx::Error::Protocol("no plan policy is stored".into()))?;
        match self.cached(id) {
            Some(policy) => Ok(policy),
            None => self.parse(id, &body),
        }
    }

    /// The version stored as row `id`, for a caller that read which one is in force together
    /// with its other facts.
    pub async fn version(&self, pool: &sqlx::AnyPool, id: i64) -> Result<Arc<PlanPolicy>, sqlx::Error> {
        if let Some(policy) = self.cached(id) {
            return Ok(policy);
        }
        let body = policies::body(pool, id).await?;
        self.parse(id, &body)
    }

    /// Parses version `id` and keeps it as the last one read.
    fn parse(&self, id: i64, body: &str) -> Result<Arc<PlanPolicy>, sqlx::Error> {
        let policy = PlanPolicy::from_toml(body)
            .map_err(|e| sqlx::Error::Decode(format!("stored policy {id} is invalid: {e:?}").into()))?;
        let policy = Arc::new(policy);
        if let Ok(mut slot) = self.parsed.lock() {
            *slot = Some((id, policy.clone()));
        }
        Ok(policy)
    }

    fn cached(&self, id: i64) -> Option<Arc<PlanPolicy>> {
        let slot = self.parsed.lock().ok()?;
        slot.as_ref()
            .filter(|(cached, _)| *cached == id)
            .map(|(_, p)| p.clone())
    }
}
