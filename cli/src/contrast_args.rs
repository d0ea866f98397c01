//! The contrast-datum flags that `admin` and `device` share: exactly one of a DNI's
//! validity date, a permanent DNI's issue date or a NIE's support number.

/// The contrast datum as typed on the command line.
#[derive(Debug, Clone, clap::Args)]
pub struct ContrastArgs {
    /// A DNI's validity date.
    #[arg(long, group = "contrast")]
    valid_until: Option<String>,
    /// A permanent DNI's issue date.
    #[arg(long, group = "contrast")]
    permanent_issued: Option<String>,
    /// A NIE's support number.
    #[arg(long, group = "contrast")]
    support: Option<String>,
}

impl ContrastArgs {
    /// The datum as typed, and whether it is a permanent DNI's issue date.
    pub fn input(&self) -> Result<(&str, bool), String> {
        match (&self.valid_until, &self.permanent_issued, &self.support) {
            (Some(d), None, None) => Ok((d, false)),
            (None, Some(d), None) => Ok((d, true)),
            (None, None, Some(s)) => Ok((s, false)),
            _ => Err("give one of --valid-until, --permanent-issued or --support".into()),
        }
    }
}
