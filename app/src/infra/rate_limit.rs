//! Throttling counters kept in the database, so every server instance sees the same counts.

use super::{db::Db, state::AppState};
use crate::error::AppError;
use std::net::IpAddr;

/// The key a client address is counted under. IPv4 addresses count one by one; an IPv6 client
/// usually holds a whole /64 (one customer's network), so all of it shares one bucket, otherwise a
/// single household could take 2^64 fresh addresses to walk past every per-address limit.
pub fn ip_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let segments = v6.segments();
                let network = std::net::Ipv6Addr::new(
                    segments[0],
                    segments[1],
                    segments[2],
                    segments[3],
                    0,
                    0,
                    0,
                    0,
                );
                format!("{network}/64")
            }
        },
    }
}

/// A limit of `max` hits per `window_secs` seconds.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    /// Hits allowed in one window.
    pub max: i64,
    /// Window length in seconds.
    pub window_secs: i64,
}

/// Sign-in attempts from one client address (Login.gov: 20 per minute).
pub const SIGN_IN_PER_IP: Limit = Limit {
    max: 20,
    window_secs: 60,
};
/// Registrations from one client address: the default of the `registrations_per_hour` setting.
pub const REGISTER_PER_IP: Limit = Limit {
    max: 40,
    window_secs: 3600,
};
/// Verification emails per account (including the first).
pub const EMAIL_CODE_SENDS: Limit = Limit {
    max: 3,
    window_secs: 600,
};
/// Wrong-or-right email code attempts per account.
pub const EMAIL_CODE_ATTEMPTS: Limit = Limit {
    max: 10,
    window_secs: 900,
};
/// Authenticator code attempts per account.
pub const TOTP_ATTEMPTS: Limit = Limit {
    max: 10,
    window_secs: 900,
};
/// Password feedback checks from one client address.
pub const PASSWORD_CHECKS_PER_IP: Limit = Limit {
    max: 600,
    window_secs: 600,
};
/// Tries with an Account Access Notice (registering or adding a case) from one client address.
pub const ACCESS_NOTICE_PER_IP: Limit = Limit {
    max: 20,
    window_secs: 3600,
};
/// Tries on one notice (named by its account number or receipt number), from anywhere.
pub const ACCESS_NOTICE_PER_NOTICE: Limit = Limit {
    max: 10,
    window_secs: 3600,
};

/// Counts one hit on `bucket` at the state's current time; `Err(RateLimited)` once the window's
/// limit is passed. This, [`hit_local`] and [`reserve_attempt`] read the `rate_limits` switch (off
/// only for benchmarks); so does the Case Status API for its daily quota.
pub async fn hit(state: &AppState, bucket: &str, limit: Limit) -> Result<(), AppError> {
    if !state.policy.rate_limits {
        return Ok(());
    }
    hit_at(&state.db, bucket, limit, state.now()).await
}

/// [`hit`] counted in this instance's memory (`state.local_limits`) instead of the database: for
/// hot read paths, where a write per request would cost more than the request.
pub fn hit_local(state: &AppState, bucket: &str, limit: Limit) -> Result<(), AppError> {
    if !state.policy.rate_limits {
        return Ok(());
    }
    state.local_limits.hit(bucket, limit, state.now())
}

/// [`hit`] against `db` at time `now`, whatever the switch says. A window that has passed starts
/// again, and so does one that starts after `now` (the clock stepped back, as after an NTP
/// correction or a moved test clock): otherwise its hits would keep adding up until the clock
/// caught up with it, and one address would stay refused for that long.
pub async fn hit_at(db: &Db, bucket: &str, limit: Limit, now: i64) -> Result<(), AppError> {
    let (hits, started): (i64, i64) = sqlx::query_as(
        "INSERT INTO rate_limits (bucket, window_started_at, hits) VALUES ($1, $2, 1)
         ON CONFLICT (bucket) DO UPDATE SET
           hits = CASE WHEN rate_limits.window_started_at <= $3 OR rate_limits.window_started_at > $2
                       THEN 1 ELSE rate_limits.hits + 1 END,
           window_started_at = CASE WHEN rate_limits.window_started_at <= $3
                                      OR rate_limits.window_started_at > $2 THEN $2
                                    ELSE rate_limits.window_started_at END
         RETURNING hits, window_started_at",
    )
    .bind(bucket)
    .bind(now)
    .bind(now - limit.window_secs)
    .fetch_one(&db.pool)
    .await?;
    if hits > limit.max {
        let retry_after = (started + limit.window_secs - now).max(1) as u64;
        tracing::warn!(bucket = %bucket, hits, "rate limit reached");
        return Err(AppError::RateLimited { retry_after });
    }
    Ok(())
}

/// Failures before an account's password sign-in is paused.
pub const ACCOUNT_FAILURES_BEFORE_DELAY: i64 = 10;
/// Failures no longer count this long after the last one (and after the end of its pause).
pub const ACCOUNT_FAILURE_WINDOW_SECS: i64 = 15 * 60;

/// The pause after the `failures`-th consecutive failure: none below 10, then 60 s doubling per
/// further failure, capped at 64 minutes (progressive delay, never a permanent lock).
pub fn progressive_delay(failures: i64) -> Option<i64> {
    (failures >= ACCOUNT_FAILURES_BEFORE_DELAY)
        .then(|| 60 * (1i64 << (failures - ACCOUNT_FAILURES_BEFORE_DELAY).min(6)))
}

/// The SQL for "the pause after `count` unforgiven attempts", as a `CASE` over
/// [`progressive_delay`], so the database applies exactly the Rust rule inside one statement.
fn delay_sql(count: &str) -> String {
    let cap_from = ACCOUNT_FAILURES_BEFORE_DELAY + 7;
    let mut sql = String::from("CASE");
    for n in ACCOUNT_FAILURES_BEFORE_DELAY..cap_from {
        if let Some(delay) = progressive_delay(n) {
            sql.push_str(&format!(" WHEN {count} = {n} THEN {delay}"));
        }
    }
    let cap = progressive_delay(cap_from).unwrap_or(3600);
    sql.push_str(&format!(
        " WHEN {count} >= {cap_from} THEN {cap} ELSE NULL END"
    ));
    sql
}

/// Reserves one password attempt for `subject` (a keyed digest of the email address, or of a
/// known device) before the password is checked, in one conditional write: the attempt is
/// counted, and refused with `RateLimited` while the subject is paused. The attempt that reaches
/// the allowance starts the pause in the same statement, so however many attempts arrive at
/// once, no more than the allowance ever reach the password check. A correct password then
/// clears the count ([`reset_account`]); a wrong one leaves it counted.
pub async fn reserve_attempt(state: &AppState, subject: &str) -> Result<(), AppError> {
    if !state.policy.rate_limits {
        return Ok(());
    }
    reserve_attempt_at(&state.db, subject, state.now()).await
}

/// [`reserve_attempt`] against `db` at time `now`, whatever the switch says.
pub async fn reserve_attempt_at(db: &Db, subject: &str, now: i64) -> Result<(), AppError> {
    // Failures stop counting a window after the later of the last failure and the end of its
    // pause, so the pause keeps growing for an attacker who waits each one out.
    let next = "CASE WHEN login_failures.last_failure_at <= $3
                      AND COALESCE(login_failures.locked_until, 0) <= $3
                 THEN 1 ELSE login_failures.failures + 1 END";
    let sql = format!(
        "INSERT INTO login_failures (subject, failures, last_failure_at, locked_until, updated_at)
         VALUES ($1, 1, $2, NULL, $2)
         ON CONFLICT (subject) DO UPDATE SET
           failures = {next},
           last_failure_at = $2,
           locked_until = $2 + ({delay}),
           updated_at = $2
         WHERE login_failures.locked_until IS NULL OR login_failures.locked_until <= $2
         RETURNING failures",
        delay = delay_sql(&format!("({next})")),
    );
    let reserved: Option<i64> = sqlx::query_scalar(&sql)
        .bind(subject)
        .bind(now)
        .bind(now - ACCOUNT_FAILURE_WINDOW_SECS)
        .fetch_optional(&db.pool)
        .await?;
    if let Some(count) = reserved {
        if progressive_delay(count).is_some() {
            tracing::warn!(subject = %subject, failures = count, "sign-in paused after repeated failures");
        }
        return Ok(());
    }
    let locked_until: Option<Option<i64>> =
        sqlx::query_scalar("SELECT locked_until FROM login_failures WHERE subject = $1")
            .bind(subject)
            .fetch_optional(&db.pool)
            .await?;
    let retry_after = locked_until
        .flatten()
        .map_or(1, |until| (until - now).max(1)) as u64;
    Err(AppError::RateLimited { retry_after })
}

/// Until when sign-in for `subject` is paused after failures, if it is paused at `now`.
pub async fn paused_until(db: &Db, subject: &str, now: i64) -> Result<Option<i64>, AppError> {
    let until: Option<Option<i64>> =
        sqlx::query_scalar("SELECT locked_until FROM login_failures WHERE subject = $1")
            .bind(subject)
            .fetch_optional(&db.pool)
            .await?;
    Ok(until.flatten().filter(|until| *until > now))
}

/// Clears the failure count after a successful password.
pub async fn reset_account(db: &Db, subject: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM login_failures WHERE subject = $1")
        .bind(subject)
        .execute(&db.pool)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_are_counted_per_64_and_ipv4_per_address() {
        let key = |text: &str| ip_key(text.parse().unwrap());
        assert_eq!(key("192.0.2.1"), "192.0.2.1");
        assert_ne!(key("192.0.2.1"), key("192.0.2.2"));
        assert_eq!(key("::ffff:192.0.2.1"), "192.0.2.1");
        assert_eq!(key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(key("2001:db8:1:2:aaaa::1"), key("2001:db8:1:2:ffff:1:2:3"));
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
    }

    #[test]
    fn the_sql_pause_ladder_matches_the_rust_rule() {
        let sql = delay_sql("n");
        assert!(sql.contains("WHEN n = 10 THEN 60 "), "{sql}");
        assert!(sql.contains("WHEN n = 16 THEN 3840 "), "{sql}");
        assert!(sql.contains("WHEN n >= 17 THEN 3840 "), "{sql}");
        assert!(!sql.contains("WHEN n = 9 "), "{sql}");
    }

    #[test]
    fn the_delay_starts_at_the_tenth_failure_and_doubles_up_to_a_cap() {
        assert_eq!(progressive_delay(9), None);
        assert_eq!(progressive_delay(10), Some(60));
        assert_eq!(progressive_delay(11), Some(120));
        assert_eq!(progressive_delay(16), Some(3840));
        assert_eq!(progressive_delay(100), Some(3840));
    }
}
