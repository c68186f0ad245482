//! White labelling through the real router, on SQLite and PostgreSQL: the settings server
//! functions and the logo routes against every kind of principal (owner, admin, viewer,
//! another MSSP, an MSP user, anonymous); the attack corpus of uploads over HTTP; and the
//! saved branding in the server-rendered page, escaped.

mod support;

use axum::http::StatusCode;
use image::{DynamicImage, ImageFormat, Rgba, RgbaImage};
use serde_json::Value;
use std::io::Cursor;
use support::TestApp;

fn png(width: u32, height: u32, colour: [u8; 4]) -> Vec<u8> {
    let image = DynamicImage::ImageRgba8(RgbaImage::from_pixel(width, height, Rgba(colour)));
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, ImageFormat::Png).expect("png");
    out.into_inner()
}

fn json(reply: &support::Reply) -> Value {
    serde_json::from_str(&reply.body).unwrap_or_else(|_| panic!("json: {}", reply.body))
}

const UPLOAD: &str = "/mssp/settings/logos";

/// The principals besides the demo's MSSP owner and viewer and MSP admin.
struct Others {
    admin: String,
    other_mssp: String,
}

async fn others(app: &TestApp) -> Others {
    Others {
        admin: app.mssp_admin().await,
        other_mssp: app.other_mssp_owner().await,
    }
}

async fn save(app: &TestApp, session: Option<&str>, fields: &[(&str, &str)]) -> support::Reply {
    app.call("save_white_label", fields, session).await
}

http_test!(
    async fn owners_and_admins_change_the_white_label_and_nobody_else_can(app) {
        let owner = app.mssp_owner().await;
        let viewer = app.mssp_viewer().await;
        let msp = app.msp_admin().await;
        let others = others(&app).await;

        // Upload: owners and admins; viewers are forbidden, MSP users find nothing, visitors
        // must sign in.
        let logo = png(64, 32, [10, 120, 200, 255]);
        let uploaded = app.post_bytes(UPLOAD, logo.clone(), Some(&owner)).await;
        assert_eq!(uploaded.status, StatusCode::OK, "{}", uploaded.body);
        let light = json(&uploaded)["id"].as_str().expect("id").to_owned();
        assert_eq!(json(&uploaded)["width"], 64);
        let by_admin = app.post_bytes(UPLOAD, png(8, 8, [0, 0, 0, 255]), Some(&others.admin)).await;
        assert_eq!(by_admin.status, StatusCode::OK, "{}", by_admin.body);
        let dark = json(&by_admin)["id"].as_str().expect("id").to_owned();
        for (session, status) in [
            (Some(viewer.as_str()), StatusCode::FORBIDDEN),
            (Some(msp.as_str()), StatusCode::NOT_FOUND),
            (None, StatusCode::UNAUTHORIZED),
        ] {
            let reply = app.post_bytes(UPLOAD, logo.clone(), session).await;
            assert_eq!(reply.status, status, "{session:?}: {}", reply.body);
        }

        // Save: the same principals, the same answers.
        let fields = [
            ("page_title", "Acme Security"),
            ("footer_content", "Acme Security Ltd · https://acme.example/help"),
            ("logo_light", light.as_str()),
            ("logo_dark", dark.as_str()),
        ];
        for (session, status) in [
            (Some(viewer.as_str()), StatusCode::FORBIDDEN),
            (Some(msp.as_str()), StatusCode::NOT_FOUND),
            (None, StatusCode::UNAUTHORIZED),
        ] {
            let reply = save(&app, session, &fields).await;
            assert_eq!(reply.status, status, "{session:?}: {}", reply.body);
        }
        let saved = save(&app, Some(&others.admin), &fields).await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);

        // Everyone of the MSSP reads it; the MSP user and the visitor do not.
        for session in [&owner, &viewer, &others.admin] {
            let reply = app.call("white_label", &[], Some(session)).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            assert_eq!(json(&reply)["page_title"], "Acme Security");
            assert_eq!(json(&reply)["logo_dark"], dark.as_str());
        }
        assert_eq!(app.call("white_label", &[], Some(&msp)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.call("white_label", &[], None).await.status, StatusCode::UNAUTHORIZED);

        // Another MSSP sees its own default, and cannot put this MSSP's logo in its own label.
        let theirs = app.call("white_label", &[], Some(&others.other_mssp)).await;
        assert_eq!(theirs.status, StatusCode::OK);
        assert_eq!(json(&theirs)["page_title"], Value::Null);
        let borrowed = save(&app, Some(&others.other_mssp), &[("page_title", "Mine"), ("footer_content", ""), ("logo_light", light.as_str())]).await;
        assert_eq!(borrowed.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", borrowed.body);
        assert!(borrowed.body.contains("not one of yours"), "{}", borrowed.body);
        let ours = app.call("white_label", &[], Some(&owner)).await;
        assert_eq!(json(&ours)["page_title"], "Acme Security");

        // The saved label is audited under the MSSP, with who saved it.
        let audit = app.get("/audit.csv?action=white_label.save", Some(&owner)).await;
        assert!(audit.body.contains("admin@demo-mssp.test"), "{}", audit.body);
    }
);

http_test!(
    async fn the_saved_branding_is_in_the_server_rendered_page_and_escaped(app) {
        let owner = app.mssp_owner().await;
        let logo = app.post_bytes(UPLOAD, png(40, 40, [200, 0, 0, 255]), Some(&owner)).await;
        let logo = json(&logo)["id"].as_str().expect("id").to_owned();
        let title = "Acme </title><script>alert('t')</script>";
        let footer = "<img src=x onerror=alert(1)> & https://acme.example/help\nLine two";
        let saved = save(&app, Some(&owner), &[("page_title", title), ("footer_content", footer), ("logo_dark", logo.as_str())]).await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);

        let page = app.get("/mssp", Some(&owner)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("<title>Global · Acme &lt;/title&gt;&lt;script&gt;alert('t')&lt;/script&gt;</title>"), "{}", page.body);
        assert!(!page.body.contains("<script>alert"), "{}", page.body);
        assert!(!page.body.contains("<img src=x"), "{}", page.body);
        assert!(page.body.contains("&lt;img src=x onerror=alert(1)&gt;"), "{}", page.body);
        assert!(page.body.contains("href=\"https://acme.example/help\""), "{}", page.body);
        assert!(page.body.contains(&format!("/branding/logos/{logo}")), "{}", page.body);

        // The viewer's pages carry it too; the MSP's portal keeps its own.
        let viewer = app.mssp_viewer().await;
        assert!(app.get("/mssp/settings", Some(&viewer)).await.body.contains("Acme &lt;/title&gt;"));
        let msp = app.msp_admin().await;
        let msp_page = app.get("/msp", Some(&msp)).await;
        assert!(!msp_page.body.contains("Acme"), "{}", msp_page.body);

        // Back to the defaults: all fields empty, and the row is gone.
        let reset = save(&app, Some(&owner), &[("page_title", ""), ("footer_content", "")]).await;
        assert_eq!(reset.status, StatusCode::OK, "{}", reset.body);
        let page = app.get("/mssp", Some(&owner)).await;
        assert!(page.body.contains("<title>Global · MSSP Portal</title>"), "{}", page.body);
        assert!(page.body.contains("/logo-light.svg"));
    }
);

http_test!(
    async fn logos_are_served_as_images_with_nosniff_and_a_long_cache(app) {
        let owner = app.mssp_owner().await;
        let upload = png(30, 20, [0, 200, 0, 255]);
        let reply = app.post_bytes(UPLOAD, upload, Some(&owner)).await;
        let id = json(&reply)["id"].as_str().expect("id").to_owned();

        // Anyone may fetch it (emails show it): no session.
        let served = app.get(&format!("/branding/logos/{id}"), None).await;
        assert_eq!(served.status, StatusCode::OK);
        assert_eq!(served.header("content-type"), Some("image/png"));
        assert_eq!(served.header("x-content-type-options"), Some("nosniff"));
        assert!(served.header("cache-control").is_some_and(|c| c.contains("immutable")));
        let image = image::load_from_memory(&served.bytes).expect("an image");
        assert_eq!((image.width(), image.height()), (30, 20));

        // The address is the hash of the bytes served.
        use sha2::Digest;
        let hash: String = sha2::Sha256::digest(&served.bytes).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hash, id);

        for missing in [format!("/branding/logos/{}", "0".repeat(64)), "/branding/logos/..%2F..%2Fetc%2Fpasswd".to_owned(), "/branding/logos/ABC".to_owned()] {
            assert_eq!(app.get(&missing, None).await.status, StatusCode::NOT_FOUND, "{missing}");
        }
    }
);

http_test!(
    async fn the_attack_corpus_of_uploads_is_refused_over_http(app) {
        let owner = app.mssp_owner().await;
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#.to_vec();
        let html = b"<!DOCTYPE html><script>alert(1)</script>".to_vec();
        let mut polyglot = png(8, 8, [1, 2, 3, 255]);
        polyglot.extend_from_slice(b"<script>alert(1)</script>");
        let full = png(200, 200, [9, 9, 9, 255]);
        let truncated = full[..full.len() / 2].to_vec();
        for (name, body) in [("svg", svg), ("html", html), ("polyglot", polyglot), ("truncated", truncated)] {
            let reply = app.post_bytes(UPLOAD, body, Some(&owner)).await;
            assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {}", reply.body);
            assert!(json(&reply)["Validation"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{name}: {}", reply.body);
        }
        let ten_mb = vec![0u8; 10 * 1024 * 1024];
        let reply = app.post_bytes(UPLOAD, ten_mb, Some(&owner)).await;
        assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", reply.body);
        assert!(reply.body.contains("larger than 512 KB"), "{}", reply.body);

        // Nothing was stored.
        assert_eq!(app.test_db.count("logos").await, 0);

        // A cross-site upload is refused before it is read.
        let request = axum::http::Request::post(UPLOAD)
            .header("cookie", format!("mssp_session={owner}"))
            .header("sec-fetch-site", "cross-site")
            .body(axum::body::Body::from(png(8, 8, [0, 0, 0, 255])))
            .expect("request");
        assert_eq!(app.send(request).await.status, StatusCode::FORBIDDEN);
    }
);

http_test!(
    async fn a_company_name_in_the_document_title_stays_text(app) {
        let db = &app.test_db.db;
        let scope =
            domain::testing::signed_in_scope(db, "Northwind MSP", "admin@northwind-msp.test").await;
        let name = portal_types::CompanyName::parse("Evil </title><script>alert(3)</script>")
            .expect("a valid name");
        let company = domain::companies::create(&db.scoped(&scope), &name)
            .await
            .expect("company");
        let msp = app.msp_admin().await;
        let page = app.get(&format!("/msp/companies/{}", company.id), Some(&msp)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("<title>Evil &lt;/title&gt;&lt;script&gt;alert(3)&lt;/script&gt; · MSP Portal</title>"), "{}", page.body);
        assert!(!page.body.contains("</title><script>"), "{}", page.body);
    }
);
