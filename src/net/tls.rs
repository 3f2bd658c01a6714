//! TLS for client connections: rustls with the ring provider, the system's root certificates, and
//! optionally one extra CA (a private or test server). Certificates are always verified.

use std::path::Path;
use std::sync::Arc;

use tokio_rustls::rustls::{self, ClientConfig, RootCertStore};

/// TLS could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read the CA file {path}: {reason}")]
    CaFile { path: String, reason: String },
    #[error("cannot set up TLS: {0}")]
    Setup(String),
}

/// A client configuration that trusts the system's roots and `extra_ca`.
pub fn client_config(extra_ca: Option<&Path>) -> Result<Arc<ClientConfig>, TlsError> {
    let mut roots = RootCertStore::empty();
    // A machine without a system store still works with an extra CA; errors in individual system
    // certificates are not ours to report.
    let native = rustls_native_certs::load_native_certs();
    roots.add_parsable_certificates(native.certs);
    if let Some(path) = extra_ca {
        let fail = |reason: String| TlsError::CaFile {
            path: path.display().to_string(),
            reason,
        };
        let pem = std::fs::read(path).map_err(|e| fail(e.to_string()))?;
        let mut found = 0;
        for cert in rustls_pemfile::certs(&mut pem.as_slice()) {
            let cert = cert.map_err(|e| fail(e.to_string()))?;
            roots.add(cert).map_err(|e| fail(e.to_string()))?;
            found += 1;
        }
        if found == 0 {
            return Err(fail("no PEM certificate in it".into()));
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Setup(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}
