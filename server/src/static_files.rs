//! The built site's files (wasm, JS, CSS, icons, manifest, service worker), held in memory with
//! their precompressed forms (`.br`, `.gz` made by `scripts/build-site.sh`) and served without the
//! page middleware: they are the same for everyone, carry no session and must be served faster than
//! any page. (Read from disk on every request, through `tower_http::services::ServeDir`, a 2 KB
//! stylesheet went out at a quarter of the Profile page's rate on 2 CPUs.)
//!
//! The build moves the browser bundle into `pkg/<build id>/`, the id being a hash of its contents,
//! and writes the id to `<site root>/build-id`. Pages name that versioned directory, so its files
//! never change under their URL and are cached for a year as `immutable`; the same files under
//! plain `/pkg/` (which the service worker and the offline page use) must be revalidated. The site
//! is read once, when the server starts: a new build means a new server.

use axum::{
    body::Body,
    extract::State,
    http::{header, HeaderMap, HeaderValue, Method, Response, StatusCode, Uri},
    routing::get,
    Router,
};
use std::{
    collections::HashMap,
    hash::{DefaultHasher, Hash, Hasher},
    path::Path,
    sync::Arc,
    time::SystemTime,
};

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

/// The largest file read into memory; anything bigger is not part of a built site.
const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// How deep directories are read below `pkg/` and `icons/`.
const MAX_DEPTH: usize = 4;

/// One file as it can be sent: as built, and in the compressed forms the build made.
struct Asset {
    identity: Representation,
    brotli: Option<Representation>,
    gzip: Option<Representation>,
    content_type: HeaderValue,
    last_modified: Option<SystemTime>,
    last_modified_header: Option<HeaderValue>,
    cache_control: &'static str,
}

/// The bytes of one encoding of a file, with their entity tag.
struct Representation {
    bytes: axum::body::Bytes,
    etag: HeaderValue,
}

impl Representation {
    fn read(path: &Path, tag: &str) -> Option<Self> {
        let metadata = std::fs::metadata(path).ok()?;
        if !metadata.is_file() || metadata.len() > MAX_FILE_BYTES {
            return None;
        }
        let bytes = std::fs::read(path).ok()?;
        let mut hasher = DefaultHasher::new();
        bytes.hash(&mut hasher);
        let etag = HeaderValue::from_str(&format!("\"{:016x}{tag}\"", hasher.finish())).ok()?;
        Some(Self {
            bytes: bytes.into(),
            etag,
        })
    }
}

impl Asset {
    fn read(path: &Path, cache_control: &'static str) -> Option<Self> {
        let identity = Representation::read(path, "")?;
        let twin = |extension: &str, tag: &str| {
            let mut name = path.as_os_str().to_owned();
            name.push(extension);
            Representation::read(Path::new(&name), tag)
        };
        let last_modified = std::fs::metadata(path).and_then(|m| m.modified()).ok();
        Some(Self {
            identity,
            brotli: twin(".br", "-br"),
            gzip: twin(".gz", "-gz"),
            content_type: HeaderValue::from_str(
                mime_guess::from_path(path)
                    .first_or_octet_stream()
                    .essence_str(),
            )
            .ok()?,
            last_modified,
            last_modified_header: last_modified
                .and_then(|t| HeaderValue::from_str(&httpdate::fmt_http_date(t)).ok()),
            cache_control,
        })
    }
}

/// Every static file, by the path it is requested at.
type Site = HashMap<String, Asset>;

/// Reads `dir` (the files below it, to [`MAX_DEPTH`]) into `site` under `url_prefix`.
fn read_dir(
    site: &mut Site,
    dir: &Path,
    url_prefix: &str,
    cache_control: &'static str,
    depth: usize,
) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            if depth < MAX_DEPTH {
                read_dir(
                    site,
                    &path,
                    &format!("{url_prefix}/{name}"),
                    cache_control,
                    depth + 1,
                );
            }
        } else if kind.is_file() && !name.ends_with(".br") && !name.ends_with(".gz") {
            if let Some(asset) = Asset::read(&path, cache_control) {
                site.insert(format!("{url_prefix}/{name}"), asset);
            }
        }
    }
}

/// Reads the whole static part of the site under `site_root`.
fn read_site(site_root: &Path) -> Site {
    let mut site = Site::new();
    let bundle = site_root.join(pkg_dir(site_root));
    if let Some(id) = build_id(site_root) {
        read_dir(&mut site, &bundle, &format!("/pkg/{id}"), IMMUTABLE, 0);
    }
    read_dir(&mut site, &bundle, "/pkg", REVALIDATE, 0);
    for dir in DIRECTORIES.iter().filter(|d| **d != "pkg") {
        read_dir(
            &mut site,
            &site_root.join(dir),
            &format!("/{dir}"),
            REVALIDATE,
            0,
        );
    }
    for file in ROOT_FILES {
        if let Some(asset) = Asset::read(&site_root.join(file), REVALIDATE) {
            site.insert(format!("/{file}"), asset);
        }
    }
    site
}

/// The router for every static file, with its caching headers. The security headers, the same as
/// every other response's, are added around the whole router (`middleware::security_headers`).
pub fn router(site_root: &Path) -> Router {
    let site = Arc::new(read_site(site_root));
    let mut router = Router::new();
    for dir in DIRECTORIES {
        router = router.route(&format!("/{dir}/{{*file}}"), get(serve));
    }
    for file in ROOT_FILES {
        router = router.route(&format!("/{file}"), get(serve));
    }
    router.with_state(site)
}

/// The encodings the client accepts, as (brotli, gzip): a coding listed with `q=0` is refused, and
/// `*` stands for any coding not listed.
fn accepted_encodings(headers: &HeaderMap) -> (bool, bool) {
    let (mut brotli, mut gzip, mut any) = (None, None, None);
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let acceptable = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .all(|q| q.trim().parse::<f32>().is_ok_and(|q| q > 0.0));
            match coding.as_str() {
                "br" => brotli = Some(acceptable),
                "gzip" | "x-gzip" => gzip = Some(acceptable),
                "*" => any = Some(acceptable),
                _ => {}
            }
        }
    }
    let any = any.unwrap_or(false);
    (brotli.unwrap_or(any), gzip.unwrap_or(any))
}

/// True when the client's copy (by `If-None-Match`, else `If-Modified-Since`) is still current.
fn not_modified(
    headers: &HeaderMap,
    etag: &HeaderValue,
    last_modified: Option<SystemTime>,
) -> bool {
    if let Some(tags) = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    {
        let ours = etag.to_str().unwrap_or_default();
        return tags
            .split(',')
            .map(|t| t.trim().trim_start_matches("W/"))
            .any(|t| t == "*" || t == ours);
    }
    let since = headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok());
    match (since, last_modified) {
        (Some(since), Some(modified)) => modified
            .duration_since(since)
            .map_or(true, |newer_by| newer_by.as_secs() == 0),
        _ => false,
    }
}

async fn serve(
    State(site): State<Arc<Site>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response<Body> {
    let Some(asset) = site.get(uri.path()) else {
        return Response::builder()
            .status(StatusCode::NOT_FOUND)
            .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
            .body(Body::from("Not found"))
            .unwrap_or_default();
    };
    let (brotli, gzip) = accepted_encodings(&headers);
    let (representation, encoding) = match (&asset.brotli, &asset.gzip) {
        (Some(br), _) if brotli => (br, Some("br")),
        (_, Some(gz)) if gzip => (gz, Some("gzip")),
        _ => (&asset.identity, None),
    };
    let mut response = Response::builder()
        .header(header::CACHE_CONTROL, asset.cache_control)
        .header(header::VARY, "accept-encoding")
        .header(header::ETAG, representation.etag.clone());
    if let Some(last_modified) = &asset.last_modified_header {
        response = response.header(header::LAST_MODIFIED, last_modified.clone());
    }
    if not_modified(&headers, &representation.etag, asset.last_modified) {
        return response
            .status(StatusCode::NOT_MODIFIED)
            .body(Body::empty())
            .unwrap_or_default();
    }
    response = response
        .header(header::CONTENT_TYPE, asset.content_type.clone())
        .header(header::CONTENT_LENGTH, representation.bytes.len());
    if let Some(encoding) = encoding {
        response = response.header(header::CONTENT_ENCODING, encoding);
    }
    let body = if method == Method::HEAD {
        Body::empty()
    } else {
        Body::from(representation.bytes.clone())
    };
    response
        .status(StatusCode::OK)
        .body(body)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).unwrap(),
        );
        headers
    }

    #[test]
    fn the_encodings_a_client_accepts_follow_its_q_values_and_wildcard() {
        assert_eq!(accepted_encodings(&HeaderMap::new()), (false, false));
        assert_eq!(
            accepted_encodings(&accept("gzip, deflate, br")),
            (true, true)
        );
        assert_eq!(
            accepted_encodings(&accept("br;q=0, gzip;q=0.5")),
            (false, true)
        );
        assert_eq!(accepted_encodings(&accept("BR")), (true, false));
        assert_eq!(accepted_encodings(&accept("*")), (true, true));
        assert_eq!(accepted_encodings(&accept("*, gzip;q=0")), (true, false));
        assert_eq!(accepted_encodings(&accept("identity")), (false, false));
        assert_eq!(accepted_encodings(&accept("br;q=nonsense")), (false, false));
    }

    #[test]
    fn a_copy_is_current_when_its_tag_matches_or_it_is_not_older() {
        let etag = HeaderValue::from_static("\"abc-br\"");
        let modified = httpdate::parse_http_date("Sat, 28 Nov 2026 06:00:00 GMT").unwrap();
        let with = |name: header::HeaderName, value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(name, HeaderValue::from_str(value).unwrap());
            headers
        };
        assert!(not_modified(
            &with(header::IF_NONE_MATCH, "\"x\", \"abc-br\""),
            &etag,
            Some(modified)
        ));
        assert!(not_modified(
            &with(header::IF_NONE_MATCH, "W/\"abc-br\""),
            &etag,
            None
        ));
        assert!(!not_modified(
            &with(header::IF_NONE_MATCH, "\"abc\""),
            &etag,
            Some(modified)
        ));
        // If-None-Match wins over If-Modified-Since.
        let mut both = with(header::IF_NONE_MATCH, "\"abc\"");
        both.insert(
            header::IF_MODIFIED_SINCE,
            HeaderValue::from_static("Sat, 28 Nov 2026 06:00:00 GMT"),
        );
        assert!(!not_modified(&both, &etag, Some(modified)));
        let since = |value: &str| with(header::IF_MODIFIED_SINCE, value);
        assert!(not_modified(
            &since("Sat, 28 Nov 2026 06:00:00 GMT"),
            &etag,
            Some(modified)
        ));
        assert!(not_modified(
            &since("Sat, 28 Nov 2026 07:00:00 GMT"),
            &etag,
            Some(modified)
        ));
        assert!(!not_modified(
            &since("Sat, 28 Nov 2026 05:59:59 GMT"),
            &etag,
            Some(modified)
        ));
        assert!(!not_modified(&since("yesterday"), &etag, Some(modified)));
        assert!(!not_modified(&HeaderMap::new(), &etag, Some(modified)));
    }

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
