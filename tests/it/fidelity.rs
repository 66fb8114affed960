//! Every word right: the text extracted from each PDF equals the seed, article by article.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::seed::{self, Seed};
use crate::util::{accord, assert_same_words, code, pdf_pages, root, text, words, TempDir};

/// The example's decisions, in `seed::AMENDMENTS` order (see config/un-iom-2016.toml).
const EXAMPLE_DECISIONS: [bool; 9] = [true, false, true, true, true, true, true, true, true];

/// The example config built once (clean and draft) for all tests of this module.
fn example() -> &'static (TempDir, PathBuf, PathBuf) {
    static BUILT: OnceLock<(TempDir, PathBuf, PathBuf)> = OnceLock::new();
    BUILT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let config = root().join("config/un-iom-2016.toml");
        let config = config.to_str().unwrap();
        for extra in [&[][..], &["--draft"][..]] {
            let mut args = vec!["build", config];
            args.extend_from_slice(extra);
            let out = accord(dir.path(), &args);
            assert_eq!(code(&out), 0, "{}", text(&out));
        }
        let clean = dir.path().join("out/un-iom-2016");
        let draft = dir.path().join("out/drafts/un-iom-2016");
        (dir, clean, draft)
    })
}

/// The example's values where the seed has `xx` placeholders.
fn fill(text: &str) -> String {
    text.replace("xxth day of xx 2016 at xxx", "19th day of September 2016 at New York")
        .replace("item xx of", "item 4 of")
        .replace("document xxx", "document C/Sp/5/3")
        .replace("Ban Ki-Moon", "Ban Ki-moon")
}

/// Words of a PDF without its page footers: each page's last line must be its footer,
/// the page number, after "Original n of m" on an original.
fn body_words(pdf: &Path) -> Vec<String> {
    let mut all = Vec::new();
    for (i, page) in pdf_pages(pdf).iter().enumerate() {
        let mut lines: Vec<&str> = page.lines().filter(|l| !l.trim().is_empty()).collect();
        let footer = lines.pop().unwrap_or_default();
        let number = (i + 1).to_string();
        let w: Vec<&str> = footer.split_whitespace().collect();
        let is_footer = match w.as_slice() {
            [n] => *n == number,
            ["Original", k, "of", _, n] => *n == number && k.parse::<u32>().is_ok(),
            _ => false,
        };
        assert!(is_footer, "{}: page {number} ends with {footer:?}, not its footer", pdf.display());
        all.extend(words(&lines.join("\n")));
    }
    all
}

/// Splits words at the signature block, whose two columns may be extracted in either order.
fn split_signatures(w: &[String]) -> (Vec<String>, Vec<String>) {
    let at = w.windows(4).position(|x| x.join(" ") == "For the United Nations:").expect("block");
    let mut block = w[at..].to_vec();
    block.sort();
    (w[..at].to_vec(), block)
}

fn assert_agreement(what: &str, seed: &Seed, decisions: Option<&[bool; 9]>, actual: &[String]) {
    let expected =
        words(&fill(&seed::agreement(seed, decisions)).replace("<p>", "").replace("</p>", ""));
    let (expected_text, expected_block) = split_signatures(&expected);
    let (actual_text, actual_block) = split_signatures(actual);
    assert_same_words(what, &expected_text, &actual_text);
    assert_same_words(&format!("{what}, signature block"), &expected_block, &actual_block);
}

#[test]
fn each_original_reads_word_for_word_as_the_seed_with_the_decisions_applied() {
    let (_, clean, _) = example();
    let seed = seed::seed();
    for n in 1..=2 {
        let pdf = clean.join(format!("agreement-original-{n}.pdf"));
        assert_agreement(
            &format!("original {n}"),
            &seed,
            Some(&EXAMPLE_DECISIONS),
            &body_words(&pdf),
        );
    }
}

#[test]
fn each_original_carries_its_number_on_every_page() {
    let (_, clean, _) = example();
    for n in 1..=2 {
        let pages = pdf_pages(&clean.join(format!("agreement-original-{n}.pdf")));
        assert!(pages.len() > 1);
        for page in pages {
            assert!(
                page.contains(&format!("Original {n} of 2")),
                "page without its number: {page}"
            );
        }
    }
}

#[test]
fn council_resolution_reads_word_for_word_as_annex_ii() {
    let (_, clean, _) = example();
    let actual = body_words(&clean.join("council-resolution.pdf"));
    let start = actual.iter().position(|w| w == "DRAFT").expect("title");
    let mut head = actual[..start].to_vec();
    head.sort();
    let mut expected_head = words("COUNCIL Fifth Special Session C/Sp/5");
    expected_head.sort();
    assert_eq!(head, expected_head, "resolution header");
    let expected = words(&fill(&seed::resolution(&seed::seed())));
    assert_same_words("Council resolution", &expected, &actual[start..]);
}

#[test]
fn working_group_draft_reproduces_every_word_of_the_seed() {
    let (_, _, draft) = example();
    let seed = seed::seed();
    let actual = body_words(&draft.join("working-group-draft.pdf"));
    let legend = words(
        "Proposed changes are shown in red: deletions struck through, insertions underlined.",
    );
    let annex1 = actual.windows(2).position(|w| w[0] == "Annex" && w[1] == "I").expect("Annex I");
    assert_eq!(actual[annex1 + 2..annex1 + 2 + legend.len()], legend[..], "legend under Annex I");
    let annex2 = actual.windows(2).position(|w| w[0] == "Annex" && w[1] == "II").expect("Annex II");

    assert_same_words("cover note", &words(&seed::cover(&seed)), &actual[..annex1]);
    let agreement = &actual[annex1 + 2 + legend.len()..annex2];
    assert_agreement("Annex I", &seed, None, agreement);
    let mut expected2 = words("Annex II");
    expected2.extend(words(&fill(&seed::resolution(&seed))));
    assert_same_words("Annex II", &expected2, &actual[annex2..]);
}

/// The Agreement's title as the seed writes it in running text (its cover note cites it).
fn seed_title(seed: &Seed) -> String {
    let start = seed.cover.find("Agreement concerning the Relationship").expect("the title");
    let end = start + seed.cover[start..].find("Migration").expect("its end") + "Migration".len();
    seed.cover[start..end].to_string()
}

/// "2016-07-25" as the letters write it: "25 July 2016".
fn long_date(iso: &str) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let parts: Vec<usize> = iso.split('-').map(|p| p.parse().unwrap()).collect();
    format!("{} {} {}", parts[2], MONTHS[parts[1] - 1], parts[0])
}

/// Each Article 17 notification reads, word for word, as a letter of its party citing the
/// Agreement by the seed's title, Article 17, and its approval as the config gives it.
#[test]
fn each_notification_cites_the_agreement_article_17_and_its_approval_as_configured() {
    let (_, clean, _) = example();
    let config: toml::Value =
        toml::from_str(&std::fs::read_to_string(root().join("config/un-iom-2016.toml")).unwrap())
            .unwrap();
    let value = |path: &str| {
        let found = path.split('.').fold(&config, |v, key| &v[key]);
        found.as_str().unwrap_or_else(|| panic!("{path} in the example")).to_string()
    };
    let title = seed_title(&seed::seed());
    assert_eq!(
        title,
        "Agreement concerning the Relationship between the United Nations and the International \
         Organization for Migration"
    );
    let parties = [
        ("united_nations", "United Nations", "iom", "International Organization for Migration"),
        ("iom", "International Organization for Migration", "united_nations", "United Nations"),
    ];
    for (party, name, other, other_name) in parties {
        let file = format!("notification-{}.pdf", party.replace('_', "-"));
        let letter = |key: &str| value(&format!("notifications.{party}.{key}"));
        let approval = |key: &str| value(&format!("approvals.{party}.{key}"));
        let expected = format!(
            "{head} {date} {to_name} {to_title} {other_name} \
             Notification under Article 17, paragraph 1, of the {title} \
             I have the honour to refer to Article 17, paragraph 1, of the {title}, which provides \
             that the Agreement shall be approved by the General Assembly of the United Nations \
             and by the Council of the International Organization for Migration, that the United \
             Nations and the International Organization for Migration shall notify each other in \
             writing of the date of such approval, and that the Agreement shall thereafter enter \
             into force upon signature. \
             Pursuant to that provision, I have the honour to notify the {other_name} that the \
             {organ} approved the Agreement on {approved}, by its resolution {resolution}. \
             Accept the assurances of my highest consideration. {signed} {signed_title}",
            head = name.to_uppercase(),
            date = long_date(&letter("date")),
            to_name = value(&format!("signatories.{other}.name")),
            to_title = value(&format!("signatories.{other}.title")),
            organ = approval("organ"),
            approved = long_date(&approval("date")),
            resolution = approval("resolution"),
            signed = letter("name"),
            signed_title = letter("title"),
        );
        let pdf = clean.join(&file);
        assert_eq!(pdf_pages(&pdf).len(), 1, "{file}: one page");
        assert_same_words(&file, &words(&expected), &body_words(&pdf));
    }
}

#[test]
fn committed_seed_copy_equals_the_shared_seed() {
    let shared = root().join("../shared/seed/draft-relationship-agreement.md");
    if let Ok(shared) = std::fs::read(shared) {
        let copy = std::fs::read(root().join("tests/fixtures/draft-relationship-agreement.md"));
        assert_eq!(copy.unwrap(), shared, "tests/fixtures seed differs from shared/seed");
    }
}
