//! The pages' building blocks: escaping, the layout every page shares, and form
//! fields that carry their label, hint and error the accessible way (each input has
//! a `<label>`; hint and error are tied to it with `aria-describedby`; an invalid one
//! says so with `aria-invalid`). Everything that is not a literal in this crate goes
//! through [`Esc`].

use std::fmt::{self, Display, Write};

use super::i18n::{Lang, Text};

/// Text escaped for HTML content and double-quoted attribute values.
pub struct Esc<'a>(pub &'a str);

impl Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            match c {
                '&' => f.write_str("&amp;")?,
                '<' => f.write_str("&lt;")?,
                '>' => f.write_str("&gt;")?,
                '"' => f.write_str("&quot;")?,
                '\'' => f.write_str("&#39;")?,
                c => f.write_char(c)?,
            }
        }
        Ok(())
    }
}

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

/// The whole document around a page's `<main>` content.
pub fn layout(frame: &Frame<'_>, title: &str, problems: &[Problem], main: &str) -> String {
    let t = frame.t();
    let other = frame.lang.other();
    let prefix = if problems.is_empty() { "" } else { t.error_prefix };
    let mut out = String::with_capacity(4096);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{prefix}{title} – {brand}</title>\n\
         <link rel=\"stylesheet\" href=\"{css}\">\n</head>\n<body>\n\
         <header class=\"site\">\n<p class=\"brand\">{brand}</p>\n\
         <nav aria-label=\"{nav}\"><a id=\"lang-switch\" href=\"{path}?lang={other}\" \
         hreflang=\"{other}\" lang=\"{other}\">{other_name}</a></nav>\n</header>\n\
         <main>\n{site}{main}</main>\n<footer class=\"site\"><p>{footer}</p></footer>\n\
         </body>\n</html>\n",
        lang = frame.lang.tag(),
        prefix = Esc(prefix),
        title = Esc(title),
        brand = Esc(t.brand),
        css = super::STYLESHEET_PATH,
        nav = Esc(t.language_nav),
        path = frame.path,
        other = other.tag(),
        other_name = Esc(other.text().language_name),
        footer = Esc(t.footer),
        site = frame.site.map(|s| site_banner(frame, s)).unwrap_or_default(),
    );
    out
}

/// Who is asking: the site the citizen is signing in for, and the way back to it.
fn site_banner(frame: &Frame<'_>, site: &str) -> String {
    let t = frame.t();
    let mut out = format!(
        "<section class=\"site-request\" aria-label=\"{}\">\n<p id=\"site-request\">{}</p>\n",
        Esc(site),
        Esc(&(t.site_asks)(site))
    );
    form_start(&mut out, frame, crate::oidc::paths::CANCEL);
    button(&mut out, "cancel-site", &(t.cancel_site)(site), true);
    out.push_str("</form>\n</section>\n");
    out
}

/// The page's heading, then the error summary (after the `<h1>`, so headings stay
/// in order). `role="alert"` makes screen readers announce it; each problem links
/// to its field.
pub fn heading(out: &mut String, t: &Text, title: &str, problems: &[Problem]) {
    let _ = writeln!(out, "<h1>{}</h1>", Esc(title));
    if problems.is_empty() {
        return;
    }
    let _ = write!(
        out,
        "<div class=\"error-summary\" role=\"alert\" aria-labelledby=\"error-summary-title\">\n\
         <h2 id=\"error-summary-title\">{}</h2>\n<ul>\n",
        Esc(t.error_summary)
    );
    for p in problems {
        match p.field {
            Some(id) => {
                let _ = writeln!(out, "<li><a href=\"#{id}\">{}</a></li>", Esc(&p.message));
            }
            None => {
                let _ = writeln!(out, "<li>{}</li>", Esc(&p.message));
            }
        }
    }
    out.push_str("</ul>\n</div>\n");
}

/// A status message (not an error): announced politely.
pub fn status(out: &mut String, message: &str) {
    let _ = writeln!(out, "<p class=\"notice\" role=\"status\">{}</p>", Esc(message));
}

/// A paragraph.
pub fn para(out: &mut String, text: &str) {
    let _ = writeln!(out, "<p>{}</p>", Esc(text));
}

/// Opens a POST form with its CSRF field.
pub fn form_start(out: &mut String, frame: &Frame<'_>, action: &str) {
    let _ = write!(
        out,
        "<form method=\"post\" action=\"{}\" novalidate>\n\
         <input type=\"hidden\" name=\"{}\" value=\"{}\">\n",
        Esc(action),
        super::csrf::FIELD,
        Esc(frame.csrf)
    );
}

/// A submit button.
pub fn button(out: &mut String, id: &str, label: &str, secondary: bool) {
    let class = if secondary { "button secondary" } else { "button" };
    let _ = writeln!(
        out,
        "<button type=\"submit\" id=\"{id}\" class=\"{class}\">{}</button>",
        Esc(label)
    );
}

/// A one-button form (e.g. "Request again").
pub fn button_form(out: &mut String, frame: &Frame<'_>, action: &str, id: &str, label: &str) {
    form_start(out, frame, action);
    button(out, id, label, true);
    out.push_str("</form>\n");
}

/// A text input with its label, hint and error.
pub struct Input<'a> {
    pub id: &'static str,
    pub label: &'a str,
    pub hint: Option<&'a str>,
    pub error: Option<&'a str>,
    pub value: &'a str,
    /// Extra attributes, literals of this crate only (`autocomplete`, `maxlength`…).
    pub attrs: &'static str,
    /// Shown but not editable (the locked code).
    pub readonly: bool,
    /// Must be filled for the form to go through (screen readers say so).
    pub required: bool,
}

impl Input<'_> {
    pub fn render(&self, out: &mut String) {
        let id = self.id;
        let mut described = Vec::new();
        let _ = write!(
            out,
            "<div class=\"field{}\">\n<label for=\"{id}\">{}</label>\n",
            if self.error.is_some() { " invalid" } else { "" },
            Esc(self.label)
        );
        if let Some(hint) = self.hint {
            let _ = writeln!(out, "<p class=\"hint\" id=\"{id}-hint\">{}</p>", Esc(hint));
            described.push(format!("{id}-hint"));
        }
        if let Some(error) = self.error {
            let _ = writeln!(out, "<p class=\"error\" id=\"{id}-error\">{}</p>", Esc(error));
            described.push(format!("{id}-error"));
        }
        let _ = write!(
            out,
            "<input type=\"text\" id=\"{id}\" name=\"{id}\" value=\"{}\" {}",
            Esc(self.value),
            self.attrs
        );
        if !described.is_empty() {
            let _ = write!(out, " aria-describedby=\"{}\"", described.join(" "));
        }
        if self.error.is_some() {
            out.push_str(" aria-invalid=\"true\"");
        }
        if self.readonly {
            out.push_str(" readonly");
        }
        if self.required {
            out.push_str(" required");
        }
        out.push_str(">\n</div>\n");
    }
}

/// A checkbox, label after the box as is usual for checkboxes.
pub fn checkbox(
    out: &mut String,
    id: &'static str,
    label: &str,
    hint: Option<&str>,
    checked: bool,
) {
    let _ = write!(
        out,
        "<div class=\"field checkbox\">\n<input type=\"checkbox\" id=\"{id}\" name=\"{id}\" \
         value=\"yes\"{}{}>\n<label for=\"{id}\">{}</label>\n",
        if hint.is_some() { format!(" aria-describedby=\"{id}-hint\"") } else { String::new() },
        if checked { " checked" } else { "" },
        Esc(label)
    );
    if let Some(hint) = hint {
        let _ = writeln!(out, "<p class=\"hint\" id=\"{id}-hint\">{}</p>", Esc(hint));
    }
    out.push_str("</div>\n");
}

/// A radio button inside a fieldset.
pub fn radio(out: &mut String, name: &str, id: &str, value: &str, label: &str, checked: bool) {
    let _ = writeln!(
        out,
        "<div class=\"radio\"><input type=\"radio\" id=\"{id}\" name=\"{name}\" \
         value=\"{value}\"{}><label for=\"{id}\">{}</label></div>",
        if checked { " checked" } else { "" },
        Esc(label)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_are_escaped() {
        let evil = "<script>alert('x')</script> & \"quoted\"";
        assert_eq!(
            Esc(evil).to_string(),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;"
        );
    }

    #[test]
    fn an_invalid_field_is_labelled_described_and_marked() {
        let mut out = String::new();
        Input {
            id: "document",
            label: "DNI or NIE",
            hint: Some("For example"),
            error: Some("Wrong <letter>"),
            value: "\"><b>",
            attrs: "autocomplete=\"off\"",
            readonly: false,
            required: true,
        }
        .render(&mut out);
        assert!(out.contains("<label for=\"document\">DNI or NIE</label>"), "{out}");
        assert!(out.contains("aria-describedby=\"document-hint document-error\""), "{out}");
        assert!(out.contains("aria-invalid=\"true\""), "{out}");
        assert!(out.contains("value=\"&quot;&gt;&lt;b&gt;\""), "{out}");
        assert!(out.contains("Wrong &lt;letter&gt;"), "{out}");
    }
}
