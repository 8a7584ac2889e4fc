//! The built site's files (wasm, JS, CSS, icons, manifest, service worker), served straight from
//! disk in their precompressed form (`.br`, `.gz` made by `scripts/build-site.sh`) and without the
//! page middleware: they are the same for everyone, carry no session and must be served faster than
//! any page.
//!
//! The build moves the browser bundle into `pkg/<build id>/`, the id being a hash of its contents,
//! and writes the id to `<site root>/build-id`. Pages name that versioned directory, so its files
//! never change under their URL and are cached for a year as `immutable`; the same files under
//! plain `/pkg/` (which the service worker and the offline page use) must be revalidated.

use axum::{
    body::Body,
    http::{header, HeaderValue, Request, Response, StatusCode},
    middleware::{self, Next},
    Router,
};
use std::path::Path;
use tower_http::services::{ServeDir, ServeFile};

/// The file holding the build id, in the site root.
pub const BUILD_ID_FILE: &str = "build-id";

/// Files at the site root that are served as they are.
pub const ROOT_FILES: [&str; 7] = [
    "favicon.ico",
    "manifest.webmanifest",
    "sw.js",
    "register-sw.js",
    "navigate.js",
    "offline.html",
    "robots.txt",
];

/// Directories under the site root that are served as they are.
pub const DIRECTORIES: [&str; 2] = ["pkg", "icons"];

/// A year: what "cache forever" means to browsers and proxies.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Cache, but ask the server whether the file changed before each use.
const REVALIDATE: &str = "no-cache";
/// The build id the release build recorded, if the site was built with `scripts/build-site.sh`.
pub fn build_id(site_root: &Path) -> Option<String> {
    let text = std::fs::read_to_string(site_root.join(BUILD_ID_FILE)).ok()?;
    let id = text.trim();
    let well_formed = !id.is_empty()
        && id.len() <= 64
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    well_formed.then(|| id.to_owned())
}

/// The directory (relative to the site root, no leading slash) that pages load the bundle from.
pub fn pkg_dir(site_root: &Path) -> String {
    match build_id(site_root) {
        Some(id) => format!("pkg/{id}"),
        None => "pkg".to_owned(),
    }
}

fn serve_dir(dir: impl AsRef<Path>) -> ServeDir {
    ServeDir::new(dir)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false)
}

/// The router for every static file, with its caching and security headers.
pub fn router(site_root: &Path) -> Router {
    let bundle = site_root.join(pkg_dir(site_root));
    let mut router = Router::new();
    if let Some(id) = build_id(site_root) {
        router = router.nest_service(
            &format!("/pkg/{id}"),
            Router::new()
                .fallback_service(serve_dir(&bundle))
                .layer(middleware::from_fn(|request, next| {
                    with_headers(request, next, IMMUTABLE)
                })),
        );
    }
    router = router.nest_service("/pkg", serve_dir(&bundle));
    for dir in DIRECTORIES.iter().filter(|d| **d != "pkg") {
        router = router.nest_service(&format!("/{dir}"), serve_dir(site_root.join(dir)));
    }
    for file in ROOT_FILES {
        let path = site_root.join(file);
        router = router.route_service(
            &format!("/{file}"),
            ServeFile::new(path).precompressed_br().precompressed_gzip(),
        );
    }
    router.layer(middleware::from_fn(|request, next| {
        with_headers(request, next, REVALIDATE)
    }))
}

/// Adds the caching policy (unless an inner layer chose one). The security headers, the same as
/// every other response's, are added around the whole router (`middleware::security_headers`).
async fn with_headers(request: Request<Body>, next: Next, cache: &'static str) -> Response<Body> {
    let mut response = next.run(request).await;
    // Errors (404, 405) are not cached as if they were the file.
    let cacheable = response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED;
    let headers = response.headers_mut();
    if cacheable && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    }
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_build_id_is_read_only_when_it_is_well_formed() {
        let dir = std::env::temp_dir().join(format!("caseport-build-id-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        assert_eq!(build_id(&dir), None);
        assert_eq!(pkg_dir(&dir), "pkg");
        std::fs::write(dir.join(BUILD_ID_FILE), "3fa9c1e2b7d04a11\n").unwrap();
        assert_eq!(build_id(&dir).as_deref(), Some("3fa9c1e2b7d04a11"));
        assert_eq!(pkg_dir(&dir), "pkg/3fa9c1e2b7d04a11");
        std::fs::write(dir.join(BUILD_ID_FILE), "../../etc").unwrap();
        assert_eq!(build_id(&dir), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
