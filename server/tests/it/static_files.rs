//! Static files (docs/security.md item 63 and issue 6 §1.1): served precompressed with the
//! matching `Content-Encoding`, cached for a year only under the content-addressed bundle path,
//! revalidated elsewhere, never with a session, and never outside the site root.

use crate::support::*;
use std::path::{Path, PathBuf};

const BUILD_ID: &str = "0123abcd4567ef89";

/// A built site as `scripts/build-site.sh` leaves it: the bundle under `pkg/<build id>/` with
/// `.br` and `.gz` twins (their contents say which one was served), the id in `build-id`.
fn built_site() -> PathBuf {
    let root = temp_dir("site");
    let bundle = root.join("pkg").join(BUILD_ID);
    std::fs::create_dir_all(&bundle).unwrap();
    std::fs::create_dir_all(root.join("icons")).unwrap();
    let write = |path: &Path, text: &str| std::fs::write(path, text).unwrap();
    for (name, body) in [
        ("caseport.js", "js"),
        ("caseport.css", "css"),
        ("chunk_1.wasm", "wasm"),
    ] {
        write(&bundle.join(name), &format!("identity {body}"));
        write(
            &bundle.join(format!("{name}.br")),
            &format!("brotli {body}"),
        );
        write(&bundle.join(format!("{name}.gz")), &format!("gzip {body}"));
    }
    for name in server::static_files::ROOT_FILES {
        write(&root.join(name), &format!("identity {name}"));
    }
    write(&root.join("sw.js.br"), "brotli sw");
    write(&root.join("icons").join("icon.png"), "png");
    write(&root.join("build-id"), &format!("{BUILD_ID}\n"));
    write(&root.join("secret.txt"), "outside the served directories");
    root
}

async fn fetch(app: &TestApp, path: &str, encodings: &str) -> TestResponse {
    let mut req = Req::get(path);
    if !encodings.is_empty() {
        req = req.header("accept-encoding", encodings);
    }
    app.send(req).await
}

#[tokio::test]
async fn item63_static_files_are_sent_precompressed_in_the_best_encoding_the_browser_accepts() {
    let app = TestApp::new().await.with_site_root(&built_site());
    let path = format!("/pkg/{BUILD_ID}/caseport.js");
    for (accept, body, encoding) in [
        ("br, gzip", "brotli js", Some("br")),
        ("gzip, deflate, br;q=0", "gzip js", Some("gzip")),
        ("", "identity js", None),
        ("identity", "identity js", None),
    ] {
        let response = fetch(&app, &path, accept).await;
        assert_eq!(response.status, 200, "{accept:?}");
        assert_eq!(response.body, body, "{accept:?}");
        assert_eq!(
            response.header("content-encoding").as_deref(),
            encoding,
            "{accept:?}"
        );
        assert!(
            response
                .header("vary")
                .is_some_and(|v| v.to_ascii_lowercase().contains("accept-encoding")),
            "caches must keep encodings apart: {accept:?}"
        );
        assert!(
            response
                .header("content-type")
                .is_some_and(|t| t.contains("javascript")),
            "the type is the file's, not the compressor's: {:?}",
            response.header("content-type")
        );
    }
}

#[tokio::test]
async fn item63_only_the_content_addressed_bundle_is_cached_as_immutable() {
    let app = TestApp::new().await.with_site_root(&built_site());
    let versioned = fetch(&app, &format!("/pkg/{BUILD_ID}/chunk_1.wasm"), "br").await;
    assert_eq!(versioned.status, 200);
    assert_eq!(
        versioned.header("cache-control").as_deref(),
        Some("public, max-age=31536000, immutable")
    );
    let root_files = server::static_files::ROOT_FILES.map(|name| format!("/{name}"));
    for path in ["/pkg/caseport.css", "/icons/icon.png"]
        .into_iter()
        .chain(root_files.iter().map(String::as_str))
    {
        let response = fetch(&app, path, "br").await;
        assert_eq!(response.status, 200, "{path}");
        assert_eq!(
            response.header("cache-control").as_deref(),
            Some("no-cache"),
            "{path} keeps its name across builds, so it must be revalidated"
        );
    }
    let missing = fetch(&app, &format!("/pkg/{BUILD_ID}/missing.js"), "br").await;
    assert_eq!(missing.status, 404);
    assert!(
        !missing
            .header("cache-control")
            .is_some_and(|c| c.contains("immutable")),
        "a 404 must not be cached for a year"
    );
}

#[tokio::test]
async fn item63_pages_load_the_bundle_from_its_versioned_path() {
    let app = TestApp::new().await.with_site_root(&built_site());
    let page = app.send(Req::get("/sign-in")).await;
    assert_eq!(page.status, 200);
    for file in ["caseport.js", "caseport.css"] {
        assert!(
            page.body.contains(&format!("/pkg/{BUILD_ID}/{file}")),
            "the page names /pkg/{BUILD_ID}/{file}"
        );
    }
    assert!(!page.body.contains("\"/pkg/caseport.js\""));
}

#[tokio::test]
async fn item63_static_files_carry_security_headers_and_never_a_session() {
    let app = TestApp::new().await.with_site_root(&built_site());
    let (cookie, _) = app.signed_up("static@example.com", PASSWORD).await;
    let response = app
        .send(
            Req::get(&format!("/pkg/{BUILD_ID}/caseport.css"))
                .cookie(Some(&cookie))
                .header("accept-encoding", "br"),
        )
        .await;
    assert_eq!(response.status, 200);
    assert!(
        response.set_cookies().is_empty(),
        "{:?}",
        response.set_cookies()
    );
    assert_eq!(
        response.header("x-content-type-options").as_deref(),
        Some("nosniff")
    );
    assert!(
        response
            .header("content-security-policy")
            .is_some_and(
                |csp| csp.contains("default-src 'self'") && csp.contains("object-src 'none'")
            )
    );
    assert!(response.header("strict-transport-security").is_some());
}

#[tokio::test]
async fn item63_nothing_outside_the_served_directories_is_reachable() {
    let app = TestApp::new().await.with_site_root(&built_site());
    for path in [
        "/pkg/../secret.txt",
        "/pkg/%2e%2e/secret.txt",
        "/pkg/..%2fsecret.txt",
        &format!("/pkg/{BUILD_ID}/..%2f..%2fsecret.txt"),
        "/icons/%2e%2e/%2e%2e/secret.txt",
        "/pkg/%2fetc%2fpasswd",
        // In the site root but not one of the files the site serves.
        "/secret.txt",
        "/build-id",
        "/sw.js.br",
    ] {
        let response = fetch(&app, path, "").await;
        assert!(
            !response.body.contains("outside the served directories")
                && !response.body.contains("root:")
                && response.body.trim() != BUILD_ID
                && !response.body.contains("brotli sw"),
            "{path} leaked a file: {} {}",
            response.status,
            response.body
        );
        assert!(
            response.status.as_u16() >= 400
                || response.status == 200 && response.body.contains("<html"),
            "{path}: {}",
            response.status
        );
    }
    let mut post = Req::api("ignored", &[]);
    post.path = format!("/pkg/{BUILD_ID}/caseport.js");
    let post = app.send(post).await;
    assert!(post.status == 405 || post.status == 404, "{}", post.status);
}

#[tokio::test]
async fn item63_every_script_a_page_loads_is_served_as_a_static_file() {
    let app = TestApp::new().await.with_site_root(&built_site());
    let (cookie, _) = app.signed_up("scripts@example.com", PASSWORD).await;
    let page = app.send(Req::get("/sign-in")).await;
    assert_eq!(page.status, 200);
    let scripts: Vec<&str> = page
        .body
        .split("<script src=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    assert!(
        scripts.contains(&"/navigate.js") && scripts.contains(&"/register-sw.js"),
        "{scripts:?}"
    );
    for script in scripts {
        let response = app
            .send(
                Req::get(script)
                    .cookie(Some(&cookie))
                    .header("accept-encoding", "br"),
            )
            .await;
        assert_eq!(response.status, 200, "{script}");
        assert!(
            response.set_cookies().is_empty(),
            "{script} must not touch the session: {:?}",
            response.set_cookies()
        );
        assert_eq!(
            response.header("cache-control").as_deref(),
            Some("no-cache"),
            "{script} keeps its name across builds, so it must be revalidated"
        );
    }
}

#[tokio::test]
async fn item63_a_browser_revalidating_a_file_it_has_gets_304_without_the_body() {
    let app = TestApp::new().await.with_site_root(&built_site());
    let first = fetch(&app, "/pkg/caseport.css", "br").await;
    assert_eq!(first.status, 200);
    let etag = first.header("etag").expect("an entity tag");
    let revalidated = app
        .send(
            Req::get("/pkg/caseport.css")
                .header("accept-encoding", "br")
                .header("if-none-match", &etag),
        )
        .await;
    assert_eq!(revalidated.status, 304, "{revalidated:?}");
    assert!(revalidated.body.is_empty());
    assert_eq!(revalidated.header("etag"), Some(etag.clone()));
    assert_eq!(
        revalidated.header("cache-control").as_deref(),
        Some("no-cache")
    );
    // Each encoding is its own representation: the brotli tag does not revalidate a gzip copy.
    let other_encoding = app
        .send(
            Req::get("/pkg/caseport.css")
                .header("accept-encoding", "gzip")
                .header("if-none-match", &etag),
        )
        .await;
    assert_eq!(other_encoding.status, 200);
    assert_eq!(other_encoding.body, "gzip css");
    let last_modified = first.header("last-modified").expect("a modification time");
    let by_date = app
        .send(
            Req::get("/pkg/caseport.css")
                .header("accept-encoding", "br")
                .header("if-modified-since", &last_modified),
        )
        .await;
    assert_eq!(by_date.status, 304, "{by_date:?}");
}
