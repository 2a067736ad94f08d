//! The Admin API v2 base from whatever address an operator pastes.

use url::Url;

use super::PanelError;

/// `https://panel.example`, `.../adminapi/v2`, `.../admin/adminapi/v2/`
/// -> `https://panel.example/adminapi/v2`. A v1 address is refused with its own error.
pub fn normalize_base_url(input: &str) -> Result<Url, PanelError> {
    let invalid = || PanelError::InvalidUrl {
        url: input.to_owned(),
    };
    let trimmed = input.trim();
    let with_scheme = if trimmed.contains("://") {
        trimmed.to_owned()
    } else {
        format!("https://{trimmed}")
    };
    let mut url = Url::parse(&with_scheme).map_err(|_| invalid())?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(invalid());
    }
    url.set_query(None);
    url.set_fragment(None);
    let segments: Vec<String> = url
        .path_segments()
        .map(|s| s.filter(|p| !p.is_empty()).map(str::to_lowercase).collect())
        .unwrap_or_default();
    let api_at = segments.iter().position(|s| s == "adminapi");
    if let Some(i) = api_at {
        match segments.get(i + 1).map(String::as_str) {
            Some("v1") => {
                return Err(PanelError::V1Url {
                    url: input.trim().to_owned(),
                })
            }
            Some("v2") | None => {}
            Some(_) => return Err(invalid()),
        }
    }
    // Anything before /adminapi (a sub-folder install) stays, except the
    // stray `admin/` operators copy from the admin area's address.
    let mut prefix: Vec<String> = match api_at {
        Some(i) => segments[..i].to_vec(),
        None => segments,
    };
    if prefix.last().map(String::as_str) == Some("admin") {
        prefix.pop();
    }
    prefix.push("adminapi".into());
    prefix.push("v2".into());
    url.set_path(&prefix.join("/"));
    Ok(url)
}

/// The user API (`/api/v2`) beside an Admin API v2 base: where the services catalogue is.
pub fn user_api_url(admin_base: &Url) -> Url {
    let mut url = admin_base.clone();
    let path = admin_base.path().trim_end_matches('/');
    let root = path.strip_suffix("/adminapi/v2").unwrap_or(path);
    url.set_path(&format!("{root}/api/v2"));
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> String {
        normalize_base_url(s)
            .map(|u| u.to_string())
            .unwrap_or_else(|e| format!("ERR {e}"))
    }

    #[test]
    fn every_pasted_form_becomes_the_v2_base() {
        for input in [
            "https://panel.example",
            "https://panel.example/",
            "panel.example",
            "https://panel.example/adminapi/v2",
            "https://panel.example/adminapi/v2/",
            "https://panel.example/admin/adminapi/v2/",
            "https://panel.example/admin",
            "  https://Panel.Example/adminapi/v2/orders?limit=5  ",
            "https://panel.example/adminapi",
        ] {
            assert_eq!(norm(input), "https://panel.example/adminapi/v2", "{input}");
        }
        assert_eq!(
            norm("http://127.0.0.1:8080"),
            "http://127.0.0.1:8080/adminapi/v2"
        );
        assert_eq!(
            norm("https://host.example/smm/admin/adminapi/v2"),
            "https://host.example/smm/adminapi/v2"
        );
    }

    #[test]
    fn v1_and_garbage_are_refused_with_their_own_errors() {
        assert!(matches!(
            normalize_base_url("https://panel.example/adminapi/v1"),
            Err(PanelError::V1Url { .. })
        ));
        assert!(matches!(
            normalize_base_url("https://panel.example/adminapi/v1/orders"),
            Err(PanelError::V1Url { .. })
        ));
        assert!(matches!(
            normalize_base_url("ftp://panel.example"),
            Err(PanelError::InvalidUrl { .. })
        ));
        assert!(matches!(
            normalize_base_url(""),
            Err(PanelError::InvalidUrl { .. })
        ));
        assert!(matches!(
            normalize_base_url("https://panel.example/adminapi/v3"),
            Err(PanelError::InvalidUrl { .. })
        ));
    }

    #[test]
    fn the_user_api_sits_beside_the_admin_api() {
        let base = normalize_base_url("https://panel.example/smm/adminapi/v2").unwrap();
        assert_eq!(
            user_api_url(&base).as_str(),
            "https://panel.example/smm/api/v2"
        );
    }
}
