//! Stored logos on SQLite and PostgreSQL: one row per image and tenant, logos never saved
//! into a white label are cleared after a day, and an MSSP cannot pile them up meanwhile.

use chrono::{Duration, Utc};
use domain::testing::signed_in_scope;
use domain::{Error, branding, db_test, demo};
use portal_types::Branding;

fn png(shade: u8) -> Vec<u8> {
    let image = image::RgbaImage::from_pixel(4, 4, image::Rgba([shade, 0, 0, 255]));
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgba8(image)
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    out.into_inner()
}

db_test!(async fn unsaved_logos_are_cleared_after_a_day_and_limited_meanwhile(test) {
    let db = &test.db;
    demo::load(db).await.expect("demo");
    let owner = signed_in_scope(db, demo::MSSP_NAME, "owner@demo-mssp.test").await;
    let scoped = db.scoped(&owner);
    let day_ago = Utc::now() - Duration::hours(25);

    // The same image twice is one logo.
    let kept = branding::upload(&scoped, png(1), day_ago).await.expect("upload");
    let again = branding::upload(&scoped, png(1), day_ago).await.expect("again");
    assert_eq!(kept.id, again.id);
    assert_eq!(test.count("logos").await, 1);
    let dropped = branding::upload(&scoped, png(2), day_ago).await.expect("upload");
    assert_ne!(dropped.id, kept.id);

    // Saving keeps the logo in use and clears the day-old one that is not.
    let label = Branding {
        logo_dark: Some(kept.id.clone()),
        ..Branding::default()
    };
    branding::save(&scoped, label.clone(), Utc::now()).await.expect("save");
    assert_eq!(test.count("logos").await, 1);
    assert_eq!(branding::current(&scoped).await.expect("read"), label);
    assert!(branding::read_logo(db, &dropped.id).await.expect("read").is_none());
    assert!(branding::read_logo(db, &kept.id).await.expect("read").is_some());

    // Twenty unsaved logos today; the next is refused until they are saved or a day old.
    for shade in 10..30 {
        branding::upload(&scoped, png(shade), Utc::now()).await.expect("upload");
    }
    let refused = branding::upload(&scoped, png(99), Utc::now()).await;
    assert!(matches!(refused, Err(Error::Conflict(_))), "{refused:?}");
    let tomorrow = Utc::now() + Duration::hours(25);
    branding::upload(&scoped, png(99), tomorrow).await.expect("a day later");
    assert_eq!(test.count("logos").await, 2, "the one in use and the new one");
});
