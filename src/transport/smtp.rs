//! SMTP submission with lettre: STARTTLS or implicit TLS with verified certificates (an extra CA
//! may be trusted), AUTH PLAIN/LOGIN/XOAUTH2, a pool of connections reused across messages.

use lettre::address::Envelope;
use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use super::{SendError, Severity, Transport};
use crate::config::{AuthMechanism, SmtpConfig, TlsMode};

/// The SMTP transport, ready to send.
pub struct SmtpTransport {
    inner: AsyncSmtpTransport<Tokio1Executor>,
    /// "smtp host:port (starttls) as user", for logs.
    label: String,
}

/// The transport could not be set up (before any message was tried).
#[derive(Debug, thiserror::Error)]
#[error("cannot set up SMTP to {server}: {reason}")]
pub struct SmtpSetupError {
    server: String,
    reason: String,
}

impl SmtpTransport {
    /// Builds the transport; resolves the password or token now.
    pub async fn new(config: &SmtpConfig) -> Result<SmtpTransport, SmtpSetupError> {
        let server = format!("{}:{}", config.host, config.port);
        let fail = |reason: String| SmtpSetupError {
            server: server.clone(),
            reason,
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host)
            .port(config.port)
            .timeout(Some(config.timeout))
            .pool_config(PoolConfig::new().max_size(config.connections).min_idle(0));
        if config.tls != TlsMode::None {
            let mut params = TlsParameters::builder(config.host.clone());
            if let Some(ca) = &config.ca_file {
                let pem =
                    std::fs::read(ca).map_err(|e| fail(format!("cannot read {}: {e}", ca.display())))?;
                let cert = Certificate::from_pem(&pem).map_err(|e| fail(format!("{}: {e}", ca.display())))?;
                params = params.add_root_certificate(cert);
            }
            let params = params.build_rustls().map_err(|e| fail(e.to_string()))?;
            builder = builder.tls(match config.tls {
                TlsMode::Implicit => Tls::Wrapper(params),
                _ => Tls::Required(params),
            });
        }
        if let Some(name) = &config.hello_name {
            builder = builder.hello_name(ClientId::Domain(name.clone()));
        }
        let mut label = format!("smtp {server} ({})", config.tls.as_str());
        if let Some(auth) = &config.auth {
            let secret = auth.secret.resolve().await.map_err(|e| fail(e.to_string()))?;
            builder = builder
                .credentials(Credentials::new(auth.user.clone(), secret.expose().to_string()))
                .authentication(vec![match auth.mechanism {
                    AuthMechanism::Plain => Mechanism::Plain,
                    AuthMechanism::Login => Mechanism::Login,
                    AuthMechanism::XOAuth2 => Mechanism::Xoauth2,
                }]);
            label.push_str(&format!(" as {}", auth.user));
        }
        Ok(SmtpTransport {
            inner: builder.build(),
            label,
        })
    }

    /// Connects, says EHLO, starts TLS and logs in, to see that all of it works.
    pub async fn check(&self) -> Result<(), SendError> {
        match self.inner.test_connection().await {
            Ok(true) => Ok(()),
            Ok(false) => Err(SendError::transient("the server did not answer NOOP")),
            Err(e) => Err(classify(&e)),
        }
    }
}

/// Turns a lettre error into an answer to "try again?", keeping the server's words.
fn classify(error: &lettre::transport::smtp::Error) -> SendError {
    let code = error.status().and_then(|c| c.to_string().parse::<u16>().ok());
    let severity = if error.is_permanent() || error.is_client() {
        Severity::Permanent
    } else {
        // 4xx, network, TLS handshake, timeouts, garbled replies: a later attempt may work.
        Severity::Transient
    };
    let mut message = error.to_string();
    // lettre writes "permanent error (550): ..." — the code is reported on its own.
    if let Some(rest) = message.split_once("): ").map(|(_, rest)| rest.to_string())
        && code.is_some()
    {
        message = rest;
    }
    SendError {
        severity,
        code,
        message,
    }
}

impl Transport for SmtpTransport {
    async fn send(&self, envelope: &Envelope, bytes: &[u8]) -> Result<String, SendError> {
        match self.inner.send_raw(envelope, bytes).await {
            Ok(response) => {
                let text: Vec<&str> = response.message().collect();
                Ok(format!("{} {}", response.code(), text.join(" ")))
            }
            Err(e) => Err(classify(&e)),
        }
    }

    fn describe(&self) -> String {
        self.label.clone()
    }
}
