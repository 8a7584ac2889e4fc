//! Server-rendered pages build each piece of data inside the request and never show an internal
//! error (issue 6 §1.2): a resource created inside a `Suspense` was fetched again by each of the
//! server's passes over it, one of them after its owner was gone, so a share of signed-in pages
//! carried an `Internal` error. Pages render on the server only (islands mode), so none of their
//! data is serialised into the page for the browser either.

use crate::support::*;

/// How many resources a page serialised for the browser, and whether it shows an internal error.
fn page_resources(body: &str) -> (usize, bool) {
    let resources = body.matches("__RESOLVED_RESOURCES[").count();
    (resources, body.contains("Internal"))
}

#[tokio::test]
async fn signed_in_pages_load_their_data_once_and_never_carry_an_internal_error() {
    let app = TestApp::new().await;
    let (cookie, _) = app.signed_up("pages@example.com", PASSWORD).await;
    let mut counts = std::collections::BTreeMap::new();
    for round in 0..40 {
        let path = if round % 2 == 0 {
            "/profile"
        } else {
            "/account"
        };
        let page = app.send(Req::get(path).cookie(Some(&cookie))).await;
        assert_eq!(page.status, 200, "{path}");
        if path == "/profile" {
            assert!(
                page.body.contains("pages@example.com")
                    && page.body.contains("Online account number"),
                "{path} (round {round}) lacks the profile: {}",
                page.body
            );
        }
        let (resources, internal) = page_resources(&page.body);
        assert!(
            !internal,
            "{path} (round {round}) carries an internal error: {}",
            page.body
        );
        counts.entry(path).or_insert_with(Vec::new).push(resources);
    }
    // Nothing a page loads on the server is shipped to the browser as data.
    assert!(counts.values().flatten().all(|n| *n == 0), "{counts:?}");
}
