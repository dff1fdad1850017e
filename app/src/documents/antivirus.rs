//! The optional antivirus: with `ECARS_CLAMD`, every upload is sent to ClamAV's daemon before it
//! is stored. A file it flags is refused; so is every upload while it cannot be asked (a document
//! is never stored unscanned).

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::AppError;

/// Where clamd listens: its Unix socket, or a TCP address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clamd {
    Socket(PathBuf),
    Tcp(String),
}

impl std::str::FromStr for Clamd {
    type Err = String;

    /// `/run/clamav/clamd.ctl`, `unix:/run/clamav/clamd.ctl`, `127.0.0.1:3310` or `tcp://host:3310`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        if let Some(path) = text.strip_prefix("unix:").or(text.starts_with('/').then_some(text)) {
            return Ok(Clamd::Socket(PathBuf::from(path.trim_start_matches("//"))));
        }
        let address = text.strip_prefix("tcp://").unwrap_or(text);
        match address.rsplit_once(':') {
            Some((host, port)) if !host.is_empty() && port.parse::<u16>().is_ok() => Ok(Clamd::Tcp(address.to_owned())),
            _ => Err(format!("« {text} » n'est ni un socket (/chemin ou unix:/chemin) ni une adresse hôte:port")),
        }
    }
}

impl std::fmt::Display for Clamd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Clamd::Socket(path) => write!(f, "unix:{}", path.display()),
            Clamd::Tcp(address) => write!(f, "tcp://{address}"),
        }
    }
}

/// A scan takes at most this long; after it, the upload is refused as if the scanner were down.
const SCAN_TIMEOUT: Duration = Duration::from_secs(120);

/// The verdict on a written file.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Clean,
    /// The signature's name, as clamd says it.
    Infected(String),
}

impl Clamd {
    pub async fn scan(&self, file: &Path) -> std::io::Result<Verdict> {
        let scanned = match self {
            Clamd::Socket(path) => {
                let socket = clamav_client::tokio::Socket { socket_path: path.as_path() };
                tokio::time::timeout(SCAN_TIMEOUT, clamav_client::tokio::scan_file(file, socket, None)).await
            }
            Clamd::Tcp(address) => {
                let tcp = clamav_client::tokio::Tcp { host_address: address.as_str() };
                tokio::time::timeout(SCAN_TIMEOUT, clamav_client::tokio::scan_file(file, tcp, None)).await
            }
        };
        let response =
            scanned.map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "clamd took too long"))??;
        verdict(&response)
    }
}

/// clamd answers `stream: OK`, `stream: <signature> FOUND`, or `<reason> ERROR` (a file above
/// its `StreamMaxLength`, for instance), each ended by a NUL.
fn verdict(response: &[u8]) -> std::io::Result<Verdict> {
    let text = String::from_utf8_lossy(response);
    let text = text.trim_end_matches(['\0', '\n']).trim();
    let answer = text.strip_prefix("stream:").map(str::trim);
    match answer {
        Some("OK") => Ok(Verdict::Clean),
        Some(found) if found.ends_with(" FOUND") => Ok(Verdict::Infected(found.trim_end_matches(" FOUND").to_owned())),
        _ => Err(std::io::Error::other(format!("clamd answered: {text}"))),
    }
}

/// The refusal of a flagged file.
pub fn infected(signature: &str) -> AppError {
    AppError::Invalid(format!(
        "L'antivirus a détecté un contenu malveillant dans ce fichier ({signature}) : il n'a pas été enregistré. \
         Prévenez votre service informatique."
    ))
}

/// The refusal while the scanner cannot be asked.
pub fn scanner_unavailable() -> AppError {
    AppError::Invalid(
        "L'analyse antivirus est momentanément indisponible : le fichier n'a pas été enregistré. \
         Réessayez dans quelques minutes."
            .to_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scanner_address_is_a_socket_or_host_and_port() {
        assert_eq!("/run/clamav/clamd.ctl".parse(), Ok(Clamd::Socket("/run/clamav/clamd.ctl".into())));
        assert_eq!("unix:/tmp/c.sock".parse(), Ok(Clamd::Socket("/tmp/c.sock".into())));
        assert_eq!("127.0.0.1:3310".parse(), Ok(Clamd::Tcp("127.0.0.1:3310".into())));
        assert_eq!("tcp://clamav:3310".parse(), Ok(Clamd::Tcp("clamav:3310".into())));
        assert!("clamav".parse::<Clamd>().is_err());
        assert!("host:port".parse::<Clamd>().is_err());
    }

    #[test]
    fn clamd_answers_are_read() {
        assert_eq!(verdict(b"stream: OK\0").unwrap(), Verdict::Clean);
        assert_eq!(
            verdict(b"stream: Eicar-Test-Signature FOUND\0").unwrap(),
            Verdict::Infected("Eicar-Test-Signature".into())
        );
        assert!(verdict(b"INSTREAM size limit exceeded. ERROR\0").is_err());
        assert!(verdict(b"").is_err());
    }
}
