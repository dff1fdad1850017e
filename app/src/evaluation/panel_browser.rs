//! The question panel in the browser. The server writes the panel (`panel.rs`); the tree's
//! island fetches the one of the question chosen and swaps it in, sends the answer form itself
//! after the shared rules accepted it, and swaps in the panel the server answers with: the next
//! question, "Réponse enregistrée.", or the refusal with what was typed. The browser so carries
//! the rules and a few event handlers, not the code that draws the panel.

use ecars_core::evaluation::rules::QuestionStatus;
use ecars_core::evaluation::values::AnswerValue;
use ecars_core::routes::QUESTION_PARAM;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{
    DomParser, Element, FormData, HtmlElement, HtmlFormElement, HtmlInputElement, HtmlTextAreaElement, SubmitEvent,
    SupportedType, Url, UrlSearchParams,
};

use super::panel::{Statuses, ACHIEVED_ERROR, ACHIEVED_GROUP, PANEL_AREA, SAVE_STATUS};
use super::tree_browser::{opens_elsewhere, TreeNavigation};
use super::{TreeMode, ValueKind, NEXT_FIELD, PANEL_FIELD, PREVIOUS_PARAM, SAVED_STATUS_PARAM};
use crate::layout::requests::{self, Answer};

const ANSWER_FORM: &str = "form.answer-form";
const HEADING: &str = "question-titre";

/// The panel beside the tree, as the island drives it.
#[derive(Clone, Copy)]
pub struct Panel {
    contract_id: i32,
    /// Which panel: an answer's, or the agency's appraisal.
    mode: TreeMode,
    navigation: TreeNavigation,
    statuses: Statuses,
    /// The form holds changes not saved yet: leaving the question asks first.
    dirty: RwSignal<bool>,
    /// The question whose panel is shown.
    shown: StoredValue<Option<i32>>,
    /// The latest request: the answer to an older one (a question clicked past) is dropped.
    latest: StoredValue<u32>,
    /// The reactive state of the panel's documents block, ended with the panel.
    documents: StoredValue<Option<Owner>>,
}

/// What a request was for, and so where the focus goes once its panel is in.
#[derive(Clone, Copy, PartialEq)]
enum Sent {
    /// A question chosen: its heading, as for a page of its own.
    Choice,
    /// A save: the button that sent it, unless another question opened.
    Save { next: bool },
}

impl Panel {
    /// The panel the server wrote with the page, as the island holds it; nothing is read from
    /// the page before [`Panel::start`].
    pub fn new(contract_id: i32, mode: TreeMode, navigation: TreeNavigation, statuses: Statuses) -> Self {
        Panel {
            contract_id,
            mode,
            navigation,
            statuses,
            dirty: RwSignal::new(false),
            shown: StoredValue::new(None),
            latest: StoredValue::new(0),
            documents: StoredValue::new(None),
        }
    }

    /// Once hydrated: the panel the page holds, and what was typed in it before.
    pub fn start(self) {
        self.shown.set_value(question_shown());
        // Typed before the WASM arrived, or a refused post shown again: not saved.
        self.dirty.set(holds_unsaved());
        // Keyboard and screen-reader users land on the question they chose.
        if self.shown.get_value().is_some() && document().active_element() == document().body().map(Into::into) {
            focus(HEADING);
        }
    }

    /// Whether the form holds changes not saved yet.
    pub fn dirty(self) -> RwSignal<bool> {
        self.dirty
    }

    /// The status of each question, which a save changes.
    pub fn statuses(self) -> Statuses {
        self.statuses
    }

    /// The question chosen now (in the tree, by back or forward): its panel, unless shown.
    pub fn follow(self, chosen: Option<i32>) {
        if chosen == self.shown.get_value() {
            return;
        }
        match chosen {
            // The address's query names the question, and the one saved just before if any.
            Some(_) => {
                let query = window().location().search().unwrap_or_default();
                self.request("GET", &format!("{}{query}", self.panel_href()), None, Sent::Choice);
            }
            None => {
                self.swap("");
                self.shown.set_value(None);
            }
        }
    }

    /// "Reprendre la réponse actuelle": the panel again, with the answer saved meanwhile.
    /// Returns whether the click was this one.
    pub fn on_click(self, event: &leptos::ev::MouseEvent) -> bool {
        let Some(target) = event.target().and_then(|target| target.dyn_into::<Element>().ok()) else { return false };
        let Some(link) = target.closest("a[data-choice][data-question]").ok().flatten() else { return false };
        if opens_elsewhere(event) {
            return false;
        }
        event.prevent_default();
        let question = link.get_attribute("data-question").unwrap_or_default();
        self.dirty.set(false);
        let address = format!("{}?{QUESTION_PARAM}={question}", self.panel_href());
        self.request("GET", &address, None, Sent::Choice);
        true
    }

    /// A change in the answer form: "Non concerné" turns "Réalisé" off or on; either way the
    /// form now holds something unsaved. The documents block is not the answer.
    pub fn on_change(self, event: &leptos::ev::Event) {
        let Some(target) = event.target().and_then(|target| target.dyn_into::<Element>().ok()) else { return };
        let in_answer = target.closest(ANSWER_FORM).ok().flatten().is_some();
        if !in_answer || target.closest(".documents").ok().flatten().is_some() {
            return;
        }
        if let Some(not_concerned) = target.dyn_ref::<HtmlInputElement>().filter(|input| input.id() == "non-concerne") {
            for field in fields("[name=achieved]") {
                field.toggle_attribute_with_force("disabled", not_concerned.checked()).ok();
            }
        }
        self.dirty.set(true);
    }

    /// "Enregistrer" or "Enregistrer et passer à la suivante": what the shared rules refuse is
    /// shown at once and not sent; the rest is posted as the plain form would be.
    pub fn on_submit(self, event: SubmitEvent) {
        let Some(form) = event.target().and_then(|target| target.dyn_into::<HtmlFormElement>().ok()) else { return };
        if !form.matches(ANSWER_FORM).unwrap_or(false) {
            return;
        }
        event.prevent_default();
        let next = event.submitter().and_then(|button| button.get_attribute("name")).as_deref() == Some(NEXT_FIELD);
        let Ok(data) = FormData::new_with_form(&form) else { return };
        let text = |name: &str| data.get(name).as_string().unwrap_or_default();
        let kind = form.get_attribute("data-kind").as_deref().and_then(ValueKind::from_name);
        if let Some(kind) = kind {
            let checked = AnswerValue::parse(kind, data.has("not_concerned"), &text("achieved"), &text("comment"));
            if let Err(message) = checked {
                show_refusal(Some(&message));
                return;
            }
        }
        show_refusal(None);
        let Ok(body) = UrlSearchParams::new_with_str_sequence_sequence(&data) else { return };
        if next {
            body.append(NEXT_FIELD, "1");
        }
        body.append(PANEL_FIELD, "1");
        set_status("Enregistrement…");
        for button in fields("button[type=submit]") {
            button.toggle_attribute_with_force("disabled", true).ok();
        }
        self.request("POST", &form.action(), Some(&String::from(body.to_string())), Sent::Save { next });
    }

    fn panel_href(self) -> String {
        self.mode.panel_href(self.contract_id)
    }

    /// Sends a request whose answer is a panel page (or, after a save, a redirect to one).
    fn request(self, method: &str, address: &str, body: Option<&str>, sent: Sent) {
        let number = self.latest.get_value().wrapping_add(1);
        self.latest.set_value(number);
        // Asked as a page is: a form post is then answered with a redirect to the panel.
        requests::send_form(method, address, "text/html", body, move |answer| self.arrived(&answer, number, sent));
    }

    fn arrived(self, answer: &Answer, number: u32, sent: Sent) {
        if number != self.latest.get_value() {
            return;
        }
        let Some(url) = Url::new(&answer.address).ok().filter(|_| answer.status != 0) else {
            return self.unreachable(sent);
        };
        // Somewhere else (the login page, once the session is over): the browser goes there.
        if url.pathname() != self.panel_href() {
            let _ = window().location().assign(&answer.address);
            return;
        }
        let parsed =
            DomParser::new().and_then(|parser| parser.parse_from_string(&answer.body, SupportedType::TextHtml));
        let Ok(page) = parsed else {
            return self.unreachable(sent);
        };
        // The panel, or why there is none (a question that does not exist, say).
        let panel = page.get_element_by_id(PANEL_AREA).map(|area| area.inner_html());
        let refusal = || page.query_selector("main .fr-alert").ok().flatten().map(|alert| alert.outer_html());
        self.swap(&panel.or_else(refusal).unwrap_or_default());
        let query = url.search_params();
        let number_of = |name: &str| query.get(name).and_then(|value| value.parse::<i32>().ok());
        let previous = number_of(PREVIOUS_PARAM);
        if let Some(status) = query.get(SAVED_STATUS_PARAM).as_deref().and_then(QuestionStatus::from_code) {
            if let Some(saved) = previous.or_else(|| number_of(QUESTION_PARAM)) {
                self.statuses.set(saved, status);
            }
        }
        let question = question_shown();
        self.shown.set_value(question);
        self.dirty.set(holds_unsaved());
        match (question, sent) {
            // The next question: the address and the tree follow.
            (Some(question), _) if Some(question) != self.navigation.selected.get_untracked() => {
                self.navigation.open(question, previous);
                focus(HEADING);
            }
            (_, Sent::Save { next }) => focus_button(next),
            (_, Sent::Choice) => focus(HEADING),
        }
    }

    /// The server could not be reached: nothing was lost, the panel stays as it is.
    fn unreachable(self, sent: Sent) {
        let message = match sent {
            Sent::Save { .. } => "Le serveur n'a pas pu être joint : la réponse n'a pas été enregistrée. Réessayez.",
            Sent::Choice => "Le serveur n'a pas pu être joint : la question n'a pas été chargée. Réessayez.",
        };
        for button in fields("button[type=submit]") {
            button.toggle_attribute_with_force("disabled", false).ok();
        }
        // Without a status line (a read-only panel, or none yet), above whatever is shown.
        if !set_status(message) {
            if let (Some(area), Some(alert)) = (document().get_element_by_id(PANEL_AREA), error_text(message)) {
                area.prepend_with_node_1(&alert).ok();
            }
        }
    }

    /// Puts `html` in the panel's place, its documents block working as on a page of its own.
    fn swap(self, html: &str) {
        if let Some(owner) = self.documents.try_update_value(Option::take).flatten() {
            owner.cleanup();
        }
        let Some(area) = document().get_element_by_id(PANEL_AREA) else { return };
        area.set_inner_html(html);
        // What the panel carries for the rest of the page (the appraisal's score after a save).
        if let Ok(carried) = area.query_selector_all("[data-replaces][data-text]") {
            for element in (0..carried.length()).filter_map(|index| carried.item(index)) {
                let Ok(element) = element.dyn_into::<Element>() else { continue };
                let target = element.get_attribute("data-replaces").unwrap_or_default();
                if let Some(shown) = document().get_element_by_id(&target) {
                    shown.set_text_content(element.get_attribute("data-text").as_deref());
                }
            }
        }
        self.documents.set_value(Some(crate::documents::hydrate_documents_islands(&area)));
    }
}

/// The question of the panel in the page, if any.
fn question_shown() -> Option<i32> {
    document()
        .query_selector("#question[data-question]")
        .ok()
        .flatten()
        .and_then(|panel| panel.get_attribute("data-question"))
        .and_then(|id| id.parse().ok())
}

/// The answer form's elements matching `selector`.
fn fields(selector: &str) -> Vec<Element> {
    let Ok(list) = document().query_selector_all(&format!("{ANSWER_FORM} {selector}")) else { return Vec::new() };
    (0..list.length()).filter_map(|index| list.item(index)).filter_map(|node| node.dyn_into::<Element>().ok()).collect()
}

/// Whether the answer form shows something else than the saved answer: typed, or given back
/// after a refusal (`data-changed`).
fn holds_unsaved() -> bool {
    let refused = document().query_selector(&format!("{ANSWER_FORM}[data-changed=true]")).ok().flatten().is_some();
    refused
        || fields("input, textarea").iter().any(|field| {
            if let Some(input) = field.dyn_ref::<HtmlInputElement>() {
                match input.type_().as_str() {
                    "checkbox" | "radio" => input.checked() != input.default_checked(),
                    "hidden" | "file" => false,
                    _ => input.value() != input.default_value(),
                }
            } else {
                field.dyn_ref::<HtmlTextAreaElement>().is_some_and(|area| Ok(area.value()) != area.default_value())
            }
        })
}

/// The refusal of the shared rules under "Réalisé", or none.
fn show_refusal(message: Option<&str>) {
    let document = document();
    let Some(group) = document.get_element_by_id(ACHIEVED_GROUP) else { return };
    group.class_list().toggle_with_force("fr-input-group--error", message.is_some()).ok();
    let shown = document.get_element_by_id(ACHIEVED_ERROR);
    match (message, shown) {
        (Some(message), Some(shown)) => shown.set_text_content(Some(message)),
        (Some(message), None) => {
            if let Some(alert) = error_text(message) {
                alert.set_id(ACHIEVED_ERROR);
                group.append_child(&alert).ok();
            }
        }
        (None, Some(shown)) => shown.remove(),
        (None, None) => {}
    }
}

/// A DSFR error message, read out at once by screen readers.
fn error_text(message: &str) -> Option<Element> {
    let alert = document().create_element("p").ok()?;
    alert.set_class_name("fr-error-text");
    alert.set_attribute("role", "alert").ok();
    alert.set_text_content(Some(message));
    Some(alert)
}

/// The status line under the buttons; false when there is none (no form in the panel).
fn set_status(message: &str) -> bool {
    let status = document().get_element_by_id(SAVE_STATUS);
    if let Some(status) = &status {
        status.set_text_content(Some(message));
    }
    status.is_some()
}

fn focus(id: &str) {
    if let Some(element) = document().get_element_by_id(id).and_then(|element| element.dyn_into::<HtmlElement>().ok()) {
        element.focus().ok();
    }
}

/// After a save that stays on the question, the button that sent it, as before the save.
fn focus_button(next: bool) {
    let selector = format!(
        ".answer-actions button{}",
        if next { format!("[name={NEXT_FIELD}]") } else { ":not([name])".to_owned() }
    );
    if let Some(button) = fields(&selector).into_iter().next().and_then(|button| button.dyn_into::<HtmlElement>().ok())
    {
        button.focus().ok();
    }
}
