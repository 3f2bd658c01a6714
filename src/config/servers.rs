//! The sections about the mail servers, checked: transport, SMTP, IMAP, TLS and credentials, the
//! inbox and the retry policy.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{
    Auth, AuthMechanism, Ctx, ImapConfig, InboxConfig, Place, Rate, RetryPolicy, Secret, SentCopies,
    SmtpConfig, Step, TlsMode, Transport, WithoutVerdict, raw, units,
};

pub(super) fn validate_tls(
    cx: &mut Ctx<'_>,
    line: usize,
    key: &str,
    tls: Option<&str>,
    host: &str,
    default: TlsMode,
) -> TlsMode {
    let mode = match tls {
        None => default,
        Some(text) => TlsMode::parse(text).unwrap_or_else(|| {
            cx.problem(
                Some(line),
                format!("{key}.tls"),
                format!("{text:?} is not \"starttls\", \"implicit\" or \"none\""),
            );
            default
        }),
    };
    if mode == TlsMode::None && !is_local_host(host) {
        cx.problem(
            Some(line),
            format!("{key}.tls"),
            format!(
                "\"none\" would send the password in clear text to {host}; it is only allowed to this machine"
            ),
        );
    }
    mode
}

pub(super) fn validate_ca(
    cx: &mut Ctx<'_>,
    line: usize,
    key: &str,
    ca: Option<&str>,
    base: &Path,
) -> Option<PathBuf> {
    let path = base.join(ca?);
    if !path.is_file() {
        cx.problem(
            Some(line),
            format!("{key}.ca_file"),
            format!("{} is not a readable file", path.display()),
        );
    }
    Some(path)
}

#[allow(clippy::too_many_arguments)]
pub(super) fn validate_auth(
    cx: &mut Ctx<'_>,
    line: usize,
    key: &str,
    mechanism: Option<&str>,
    user: Option<&str>,
    password: Option<&toml::Value>,
    token: Option<&toml::Value>,
    base: &Path,
) -> Option<Auth> {
    let mechanism = match mechanism {
        None if token.is_some() => AuthMechanism::XOAuth2,
        None | Some("plain") => AuthMechanism::Plain,
        Some("login") => AuthMechanism::Login,
        Some("xoauth2") => AuthMechanism::XOAuth2,
        Some(other) => {
            cx.problem(
                Some(line),
                format!("{key}.auth"),
                format!("{other:?} is not \"plain\", \"login\" or \"xoauth2\""),
            );
            return None;
        }
    };
    let user = match user {
        Some(u) if !u.is_empty() => u.to_string(),
        _ => {
            if password.is_some() || token.is_some() {
                cx.problem(
                    Some(line),
                    format!("{key}.user"),
                    "a user name is needed with a password or token",
                );
            }
            return None;
        }
    };
    let (secret_key, value) = match mechanism {
        AuthMechanism::XOAuth2 => ("oauth2_token", token),
        _ => ("password", password),
    };
    let Some(value) = value else {
        cx.problem(
            Some(line),
            format!("{key}.{secret_key}"),
            format!("{secret_key} is needed to log in as {user}"),
        );
        return None;
    };
    let secret_line = cx
        .line_of_key(&[Step::Key(key.to_string()), Step::Key(secret_key.to_string())])
        .unwrap_or(line);
    match Secret::from_value(value, base) {
        Ok(secret) => Some(Auth {
            user,
            mechanism,
            secret,
            place: Place {
                key: format!("{key}.{secret_key}"),
                line: Some(secret_line),
            },
        }),
        Err(e) => {
            cx.problem(Some(secret_line), format!("{key}.{secret_key}"), e);
            None
        }
    }
}

pub(super) fn validate_transport(
    cx: &mut Ctx<'_>,
    transport: Option<(raw::RawTransport, usize)>,
    smtp: Option<(raw::RawSmtp, usize)>,
    base: &Path,
) -> Option<Transport> {
    let kind = transport
        .as_ref()
        .map(|(t, _)| t.kind.as_str())
        .unwrap_or("maildir");
    let line = transport.as_ref().map(|(_, l)| *l);
    match kind {
        "maildir" => Some(Transport::Maildir),
        "smtp" => {
            let Some((s, line)) = smtp else {
                cx.problem(
                    line,
                    "smtp",
                    "transport.kind is \"smtp\" but the [smtp] section is missing",
                );
                return None;
            };
            let tls = validate_tls(cx, line, "smtp", s.tls.as_deref(), &s.host, TlsMode::StartTls);
            let port = s.port.unwrap_or(match tls {
                TlsMode::StartTls => 587,
                TlsMode::Implicit => 465,
                TlsMode::None => 25,
            });
            let ca_file = validate_ca(cx, line, "smtp", s.ca_file.as_deref(), base);
            let auth = validate_auth(
                cx,
                line,
                "smtp",
                s.auth.as_deref(),
                s.user.as_deref(),
                s.password.as_ref(),
                s.oauth2_token.as_ref(),
                base,
            );
            let connections = s.connections.unwrap_or(2);
            if connections == 0 || connections > 64 {
                cx.problem(Some(line), "smtp.connections", "must be between 1 and 64");
            }
            // Exchange Online takes 30 messages a minute per mailbox; the default stays under it.
            let rate = match s.rate.as_deref().map(units::parse_rate) {
                None => Rate::Limited {
                    count: 20,
                    per: Duration::from_secs(60),
                },
                Some(Ok(r)) => r,
                Some(Err(e)) => {
                    cx.problem(Some(line), "smtp.rate", e);
                    Rate::Unlimited
                }
            };
            let timeout = cx.duration(
                line,
                "smtp.timeout",
                s.timeout.as_deref(),
                Duration::from_secs(60),
            );
            if s.host.trim().is_empty() {
                cx.problem(Some(line), "smtp.host", "a host name is needed");
            }
            Some(Transport::Smtp(SmtpConfig {
                host: s.host,
                port,
                tls,
                ca_file,
                auth,
                connections: connections.clamp(1, 64),
                rate,
                timeout,
                hello_name: s.hello_name,
            }))
        }
        other => {
            cx.problem(
                line,
                "transport.kind",
                format!("{other:?} is not \"maildir\" or \"smtp\""),
            );
            None
        }
    }
}

pub(super) fn validate_imap(
    cx: &mut Ctx<'_>,
    i: raw::RawImap,
    line: usize,
    base: &Path,
) -> Option<ImapConfig> {
    let tls = validate_tls(cx, line, "imap", i.tls.as_deref(), &i.host, TlsMode::Implicit);
    let port = i.port.unwrap_or(match tls {
        TlsMode::Implicit => 993,
        _ => 143,
    });
    let ca_file = validate_ca(cx, line, "imap", i.ca_file.as_deref(), base);
    let timeout = cx.duration(
        line,
        "imap.timeout",
        i.timeout.as_deref(),
        Duration::from_secs(60),
    );
    let auth = validate_auth(
        cx,
        line,
        "imap",
        i.auth.as_deref(),
        Some(&i.user),
        i.password.as_ref(),
        i.oauth2_token.as_ref(),
        base,
    );
    if auth.is_none() && i.password.is_none() && i.oauth2_token.is_none() {
        cx.problem(
            Some(line),
            "imap.password",
            "a password or oauth2_token is needed to log in",
        );
    }
    let sent_copies = match i.sent_copies.as_deref() {
        None | Some("samskap") => SentCopies::Samskap,
        Some("server") => SentCopies::Server,
        Some(other) => {
            cx.problem(
                Some(line),
                "imap.sent_copies",
                format!("{other:?} is not a choice: \"samskap\" (samskap appends a copy) or \"server\" (the server files what is sent, as Exchange Online does)"),
            );
            SentCopies::Samskap
        }
    };
    Some(ImapConfig {
        host: i.host,
        port,
        tls,
        ca_file,
        auth: auth?,
        sent_folder: i.sent_folder.filter(|f| !f.is_empty()),
        sent_copies,
        timeout,
    })
}

pub(super) fn validate_inbox(cx: &mut Ctx<'_>, i: raw::RawInbox, line: usize) -> InboxConfig {
    let d = InboxConfig::default();
    let poll_interval = cx.duration(
        line,
        "inbox.poll_interval",
        i.poll_interval.as_deref(),
        d.poll_interval,
    );
    let idle_timeout = cx.duration(
        line,
        "inbox.idle_timeout",
        i.idle_timeout.as_deref(),
        d.idle_timeout,
    );
    if idle_timeout > Duration::from_secs(29 * 60) {
        cx.problem(
            Some(line),
            "inbox.idle_timeout",
            "must be under 29 minutes: servers end IDLE after 30 (RFC 2177)",
        );
    }
    if poll_interval.is_zero() {
        cx.problem(Some(line), "inbox.poll_interval", "must be longer than zero");
    }
    if let (Some(_), Some(_)) = (&i.processed_keyword, &i.move_to) {
        cx.problem(
            Some(line),
            "inbox.move_to",
            "give processed_keyword or move_to, not both",
        );
    }
    if let Some(k) = &i.processed_keyword
        && (k.is_empty() || k.chars().any(|c| c.is_whitespace() || "(){%*\"\\]".contains(c)))
    {
        cx.problem(
            Some(line),
            "inbox.processed_keyword",
            format!("{k:?} is not an IMAP keyword (no spaces or brackets)"),
        );
    }
    if i.people_per_message == Some(0) {
        cx.problem(
            Some(line),
            "inbox.people_per_message",
            "must be at least 1 (a message naming one person with an address would go to review)",
        );
    }
    let mail_per_organisation = match i.mail_per_organisation.as_deref().map(units::parse_rate) {
        None => d.mail_per_organisation,
        Some(Ok(rate)) => rate,
        Some(Err(e)) => {
            cx.problem(Some(line), "inbox.mail_per_organisation", e);
            d.mail_per_organisation
        }
    };
    let max_message_size = match i.max_message_size.as_deref().map(units::parse_size) {
        None => d.max_message_size,
        Some(Ok(size)) if size >= 1024 => size,
        Some(Ok(_)) => {
            cx.problem(
                Some(line),
                "inbox.max_message_size",
                "must be at least 1 kB: every message would be set aside",
            );
            d.max_message_size
        }
        Some(Err(e)) => {
            cx.problem(Some(line), "inbox.max_message_size", e);
            d.max_message_size
        }
    };
    let without_verdict = match i.without_verdict.as_deref() {
        None | Some("review") => d.without_verdict,
        Some("accept") => WithoutVerdict::Accept,
        Some(other) => {
            cx.problem(
                Some(line),
                "inbox.without_verdict",
                format!(
                    "{other:?} is not a choice: \"review\" (a message with no Authentication-Results waits for a person) or \"accept\" (it is mail from inside the coordinator's own mail system)"
                ),
            );
            d.without_verdict
        }
    };
    InboxConfig {
        folder: i.folder.unwrap_or(d.folder),
        trusted_authserv_ids: i.trusted_authserv_ids.unwrap_or_default(),
        trust_exchange_online: i.trust_exchange_online.unwrap_or(d.trust_exchange_online),
        without_verdict,
        people_per_message: i.people_per_message.unwrap_or(d.people_per_message),
        mail_per_organisation,
        processed_keyword: i.processed_keyword,
        move_to: i.move_to,
        poll_interval,
        idle_timeout,
        confirmations: i.confirmations.unwrap_or(true),
        max_message_size,
    }
}

pub(super) fn validate_retry(cx: &mut Ctx<'_>, r: raw::RawRetry, line: usize) -> RetryPolicy {
    let d = RetryPolicy::default();
    let policy = RetryPolicy {
        initial: cx.duration(line, "retry.initial", r.initial.as_deref(), d.initial),
        max: cx.duration(line, "retry.max", r.max.as_deref(), d.max),
        give_up_after: cx.duration(
            line,
            "retry.give_up_after",
            r.give_up_after.as_deref(),
            d.give_up_after,
        ),
        wait_in_command: cx.duration(
            line,
            "retry.wait_in_command",
            r.wait_in_command.as_deref(),
            d.wait_in_command,
        ),
    };
    if policy.max < policy.initial {
        cx.problem(Some(line), "retry.max", "must not be shorter than retry.initial");
    }
    policy
}

fn is_local_host(host: &str) -> bool {
    matches!(host, "localhost" | "127.0.0.1" | "::1" | "[::1]")
}
