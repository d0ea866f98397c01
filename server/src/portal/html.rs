//! What every page shares: the frame (language, CSRF token, the page's own address,
//! the site being signed in for), problems for the error summary, and form fields
//! that carry their label, hint and error the accessible way (each input has a
//! `<label>`; hint and error are tied to it with `aria-describedby`; an invalid one
//! says so with `aria-invalid`). The markup itself is in `server/templates/portal/`,
//! rendered by askama, which escapes everything but what a template marks `safe`
//! (only fields it rendered itself, and attribute literals of this crate).

use askama::Template;

use super::i18n::{Lang, Text};

/// What every page needs to render its frame and forms.
pub struct Frame<'a> {
    pub lang: Lang,
    pub csrf: &'a str,
    /// The page's own address, where the language switch leads.
    pub path: &'static str,
    /// The site the citizen is signing in for, named on every page of the flow.
    pub site: Option<&'a str>,
}

impl Frame<'_> {
    pub fn t(&self) -> &'static Text {
        self.lang.text()
    }

    /// For a site's sign-in: "{site} asks you to identify yourself…" and the label
    /// of the button that cancels and goes back there.
    pub fn site_lines(&self) -> Option<(String, String)> {
        let t = self.t();
        self.site.map(|site| ((t.site_asks)(site), (t.cancel_site)(site)))
    }
}

/// A problem to list in the error summary: its message and the field it is about.
pub struct Problem {
    pub field: Option<&'static str>,
    pub message: String,
}

/// A problem with a message of the page's language.
pub fn problem(field: Option<&'static str>, message: &str) -> Problem {
    Problem { field, message: message.to_owned() }
}

/// A text input with its label, hint and error.
#[derive(Template)]
#[template(path = "portal/input.html")]
pub struct Input<'a> {
    pub id: &'static str,
    pub label: &'a str,
    pub hint: Option<&'a str>,
    pub error: Option<&'a str>,
    pub value: &'a str,
    /// Extra attributes, literals of this crate only (`autocomplete`, `maxlength`…).
    pub attrs: &'static str,
    /// A placeholder, in the page's language.
    pub placeholder: Option<&'a str>,
    /// Shown but not editable (the locked code).
    pub readonly: bool,
    /// Must be filled for the form to go through (screen readers say so).
    pub required: bool,
}

impl Input<'_> {
    /// The ids of the hint and the error, for `aria-describedby`.
    fn described_by(&self) -> Option<String> {
        let ids: Vec<String> = [self.hint.map(|_| "hint"), self.error.map(|_| "error")]
            .into_iter()
            .flatten()
            .map(|part| format!("{}-{part}", self.id))
            .collect();
        (!ids.is_empty()).then(|| ids.join(" "))
    }

    /// The field's HTML.
    pub fn html(&self) -> String {
        rendered(self)
    }
}

/// A template's HTML. Rendering can only fail if a value's `Display` fails, which
/// none of ours do; a page then says the service failed rather than panic.
pub fn rendered(template: &impl Template) -> String {
    template.render().unwrap_or_else(|_| {
        "<!DOCTYPE html><title>Cl@ve PIN</title><p>The page could not be shown.</p>".to_owned()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invalid_field_is_labelled_described_marked_and_escaped() {
        let out = Input {
            id: "document",
            label: "DNI or NIE",
            hint: Some("For example"),
            error: Some("Wrong <letter>"),
            value: "\"><script>alert('x')</script>",
            attrs: "autocomplete=\"off\"",
            placeholder: None,
            readonly: false,
            required: true,
        }
        .html();
        assert!(out.contains("<label for=\"document\">DNI or NIE</label>"), "{out}");
        assert!(out.contains("aria-describedby=\"document-hint document-error\""), "{out}");
        assert!(out.contains("aria-invalid=\"true\""), "{out}");
        assert!(out.contains("autocomplete=\"off\""), "{out}");
        assert!(!out.contains("<script>") && out.contains("&#60;script&#62;"), "{out}");
        assert!(out.contains("value=\"&#34;&#62;"), "the attribute cannot be closed: {out}");
        assert!(out.contains("Wrong &#60;letter&#62;"), "{out}");
        assert!(out.contains(" required>"), "{out}");
    }
}
