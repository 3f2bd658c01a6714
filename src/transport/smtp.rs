//! SMTP submission with lettre's SMTP client: STARTTLS or implicit TLS with verified certificates
//! (an extra CA may be trusted), AUTH PLAIN/LOGIN/XOAUTH2, and connections kept open and reused.
//!
//! The TCP connections are made here rather than by lettre so that Nagle's algorithm can be
//! switched off: lettre writes a message and its closing "." in two writes, and with Nagle on,
//! the second waits for the server's delayed ACK (40 ms on Linux) on every message, which caps a
//! connection at about 25 messages a second.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, AsyncTokioStream, Certificate, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls::pki_types::ServerName;

use super::{Scope, SendError, Severity, Transport};
use crate::config::{AuthMechanism, SmtpConfig, TlsMode};

/// A connection idle longer than this is checked with NOOP before it is used again.
const CHECK_AFTER_IDLE: Duration = Duration::from_secs(30);

/// The SMTP transport, ready to send.
pub struct SmtpTransport {
    host: String,
    port: u16,
    tls: Tls,
    hello: ClientId,
    /// Who to log in as; the secret is read again for every new connection, since OAuth2 tokens
    /// expire within the hour and passwords get rotated.
    auth: Option<(crate::config::Auth, Mechanism)>,
    timeout: Duration,
    /// Connections that finished their last message cleanly, with when they did.
    idle: Mutex<Vec<(AsyncSmtpConnection, Instant)>>,
    /// How many idle connections to keep.
    max_idle: usize,
    /// "smtp host:port (starttls) as user", for logs.
    label: String,
}

/// How the connection is encrypted, ready to use.
enum Tls {
    None,
    /// Upgraded with STARTTLS by lettre.
    Upgrade(TlsParameters),
    /// TLS from the first byte, set up here with rustls.
    Implicit(TlsConnector, ServerName<'static>),
}

/// The transport could not be set up (before any message was tried).
#[derive(Debug, thiserror::Error)]
#[error("cannot set up SMTP to {server}: {reason}")]
pub struct SmtpSetupError {
    server: String,
    reason: String,
}

/// A TLS stream lettre can use as its transport.
#[derive(Debug)]
struct TlsTransport(TlsStream<TcpStream>);

impl tokio::io::AsyncRead for TlsTransport {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl tokio::io::AsyncWrite for TlsTransport {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::pin::Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.0).poll_shutdown(cx)
    }
}

impl AsyncTokioStream for TlsTransport {
    fn peer_addr(&self) -> std::io::Result<std::net::SocketAddr> {
        self.0.get_ref().0.peer_addr()
    }
}

impl SmtpTransport {
    /// Builds the transport; checks the password or token can be read. Connects only when sending.
    pub async fn new(config: &SmtpConfig) -> Result<SmtpTransport, SmtpSetupError> {
        let server = format!("{}:{}", config.host, config.port);
        let fail = |reason: String| SmtpSetupError {
            server: server.clone(),
            reason,
        };
        let tls = match config.tls {
            TlsMode::None => Tls::None,
            TlsMode::StartTls => {
                let mut params = TlsParameters::builder(config.host.clone());
                if let Some(ca) = &config.ca_file {
                    let pem =
                        std::fs::read(ca).map_err(|e| fail(format!("cannot read {}: {e}", ca.display())))?;
                    let cert =
                        Certificate::from_pem(&pem).map_err(|e| fail(format!("{}: {e}", ca.display())))?;
                    params = params.add_root_certificate(cert);
                }
                Tls::Upgrade(params.build_rustls().map_err(|e| fail(e.to_string()))?)
            }
            TlsMode::Implicit => {
                let rustls = crate::net::tls::client_config(config.ca_file.as_deref())
                    .map_err(|e| fail(e.to_string()))?;
                let name = ServerName::try_from(config.host.clone()).map_err(|e| fail(e.to_string()))?;
                Tls::Implicit(TlsConnector::from(rustls), name)
            }
        };
        let hello = match &config.hello_name {
            Some(name) => ClientId::Domain(name.clone()),
            None => ClientId::default(),
        };
        let mut label = format!("smtp {server} ({})", config.tls.as_str());
        let auth = match &config.auth {
            Some(auth) => {
                // Read once now, so a secret that cannot be read is said before anything is sent.
                auth.secret.resolve().await.map_err(|e| fail(e.to_string()))?;
                label.push_str(&format!(" as {}", auth.user));
                let mechanism = match auth.mechanism {
                    AuthMechanism::Plain => Mechanism::Plain,
                    AuthMechanism::Login => Mechanism::Login,
                    AuthMechanism::XOAuth2 => Mechanism::Xoauth2,
                };
                Some((auth.clone(), mechanism))
            }
            None => None,
        };
        Ok(SmtpTransport {
            host: config.host.clone(),
            port: config.port,
            tls,
            hello,
            auth,
            timeout: config.timeout,
            idle: Mutex::new(Vec::new()),
            max_idle: config.connections as usize,
            label,
        })
    }

    /// Opens a new connection: TCP without Nagle, TLS, EHLO, AUTH.
    async fn connect(&self) -> Result<AsyncSmtpConnection, SendError> {
        let server = format!("{}:{}", self.host, self.port);
        let tcp = TcpStream::connect((self.host.as_str(), self.port))
            .await
            .map_err(|e| {
                SendError::connection(Severity::Transient, format!("cannot connect to {server}: {e}"))
            })?;
        tcp.set_nodelay(true).map_err(|e| {
            SendError::connection(
                Severity::Transient,
                format!("cannot set up the connection to {server}: {e}"),
            )
        })?;
        let mut connection = match &self.tls {
            Tls::Implicit(connector, name) => {
                let stream = connector.connect(name.clone(), tcp).await.map_err(|e| {
                    SendError::connection(Severity::Transient, format!("TLS with {server} failed: {e}"))
                })?;
                AsyncSmtpConnection::connect_with_transport(Box::new(TlsTransport(stream)), &self.hello)
                    .await
                    .map_err(|e| classify(&e).of_connection())?
            }
            Tls::Upgrade(params) => {
                let mut connection = AsyncSmtpConnection::connect_with_transport(Box::new(tcp), &self.hello)
                    .await
                    .map_err(|e| classify(&e).of_connection())?;
                // Never fall back to plain text: no STARTTLS from the server is an error.
                connection
                    .starttls(params.clone(), &self.hello)
                    .await
                    .map_err(|e| classify(&e).of_connection())?;
                connection
            }
            Tls::None => AsyncSmtpConnection::connect_with_transport(Box::new(tcp), &self.hello)
                .await
                .map_err(|e| classify(&e).of_connection())?,
        };
        if let Some((auth, mechanism)) = &self.auth {
            let secret = auth.secret.resolve().await.map_err(|e| {
                SendError::connection(Severity::Transient, format!("cannot log in to {server}: {e}"))
            })?;
            let credentials = Credentials::new(auth.user.clone(), secret.expose().to_string());
            connection.auth(&[*mechanism], &credentials).await.map_err(|e| {
                // A refused token comes back as a challenge carrying the server's error, which
                // lettre's XOAUTH2 cannot answer: say what it means.
                if *mechanism == Mechanism::Xoauth2 && e.is_client() {
                    SendError::connection(
                        Severity::Permanent,
                        format!(
                            "{server} refused the OAuth2 token of {} (XOAUTH2): check the token command",
                            auth.user
                        ),
                    )
                } else {
                    classify(&e).of_connection()
                }
            })?;
        }
        Ok(connection)
    }

    /// A connection to use: an idle one (checked if it sat long), or a new one.
    async fn connection(&self) -> Result<AsyncSmtpConnection, SendError> {
        loop {
            let idle = self.idle.lock().ok().and_then(|mut idle| idle.pop());
            let Some((mut connection, since)) = idle else {
                break;
            };
            if since.elapsed() < CHECK_AFTER_IDLE || connection.test_connected().await {
                return Ok(connection);
            }
        }
        let deadline = self.timeout;
        tokio::time::timeout(deadline, self.connect())
            .await
            .unwrap_or_else(|_| {
                Err(SendError::connection(
                    Severity::Transient,
                    format!("no answer from {}:{} within {deadline:?}", self.host, self.port),
                ))
            })
    }

    fn release(&self, connection: AsyncSmtpConnection) {
        if connection.has_broken() {
            return;
        }
        if let Ok(mut idle) = self.idle.lock()
            && idle.len() < self.max_idle
        {
            idle.push((connection, Instant::now()));
        }
    }

    /// Connects, says EHLO, starts TLS and logs in, to see that all of it works.
    pub async fn check(&self) -> Result<(), SendError> {
        let mut connection = self.connection().await?;
        let ok = connection.test_connected().await;
        let _ = connection.quit().await;
        if ok {
            Ok(())
        } else {
            Err(SendError::connection(
                Severity::Transient,
                "the server did not answer NOOP",
            ))
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
    // lettre writes "permanent error (550): ..."; the code is reported on its own.
    if code.is_some()
        && let Some((_, rest)) = message.split_once("): ")
    {
        message = rest.to_string();
    }
    // The message's own failure: even a 421 or a connection lost in the middle of a message
    // ends only that connection, and the next message goes over a fresh one. Whether the server
    // as a whole is in trouble is for connecting to say (`connect` marks its failures as the
    // connection's): one recipient answered with 421 once stopped a whole campaign.
    SendError {
        severity,
        scope: Scope::Message,
        code,
        message,
    }
}

impl Transport for SmtpTransport {
    async fn send(&self, envelope: &Envelope, bytes: &[u8]) -> Result<String, SendError> {
        let mut connection = self.connection().await?;
        match tokio::time::timeout(self.timeout, connection.send(envelope, bytes)).await {
            Ok(Ok(response)) => {
                self.release(connection);
                let text: Vec<&str> = response.message().collect();
                Ok(format!("{} {}", response.code(), text.join(" ")))
            }
            // lettre has closed the connection after any error.
            Ok(Err(e)) => Err(classify(&e)),
            Err(_) => Err(SendError::transient(format!(
                "no answer from {}:{} within {:?} while sending",
                self.host, self.port, self.timeout
            ))),
        }
    }

    fn describe(&self) -> String {
        self.label.clone()
    }

    async fn close(&self) {
        let idle: Vec<_> = self
            .idle
            .lock()
            .map(|mut idle| idle.drain(..).collect())
            .unwrap_or_default();
        for (mut connection, _) in idle {
            let _ = connection.quit().await;
        }
    }
}
