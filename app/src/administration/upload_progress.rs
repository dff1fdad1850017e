//! The progress of a long upload (a 100 MB FINESS extract takes minutes on a slow link): once the
//! page is interactive, the file form inside is sent by the browser with a progress bar, then the
//! page the server answers with (the preview) is opened. Before that, it is a plain form.

use leptos::prelude::*;

#[island(lazy)]
pub fn UploadWithProgress(children: Children) -> impl IntoView {
    crate::app::island_ready();
    let percent = RwSignal::new(None::<u32>);
    let failed = RwSignal::new(None::<String>);
    let on_submit = move |event: leptos::ev::SubmitEvent| browser::send(event, percent, failed);
    view! {
        <div on:submit=on_submit>
            {children()}
            <div role="status" class="fr-mt-2w">
                {move || percent.get().map(|percent| view! {
                    <p class="fr-mb-1w">
                        <label for="progression-envoi">{format!("Envoi des fichiers : {percent} %")}</label>
                    </p>
                    <progress id="progression-envoi" max="100" value=percent>{format!("{percent} %")}</progress>
                })}
                {move || failed.get().map(|message| view! { <p class="fr-error-text">{message}</p> })}
            </div>
        </div>
    }
}

/// Run in the browser only (from the form's handler).
mod browser {
    use leptos::prelude::*;
    use leptos::wasm_bindgen::{closure::Closure, JsCast, JsValue};
    use leptos::web_sys::{FormData, HtmlFormElement, ProgressEvent, XmlHttpRequest};

    pub fn send(event: leptos::ev::SubmitEvent, percent: RwSignal<Option<u32>>, failed: RwSignal<Option<String>>) {
        let Some(form) = event.target().and_then(|target| target.dyn_into::<HtmlFormElement>().ok()) else { return };
        // A second click while sending sends nothing more; a form the browser cannot send this
        // way (below) stays a plain form.
        if percent.get_untracked().is_some() {
            event.prevent_default();
            return;
        }
        if send_form(&form, percent, failed).is_ok() {
            event.prevent_default();
        }
    }

    fn send_form(
        form: &HtmlFormElement,
        percent: RwSignal<Option<u32>>,
        failed: RwSignal<Option<String>>,
    ) -> Result<(), JsValue> {
        let data = FormData::new_with_form(form)?;
        let request = XmlHttpRequest::new()?;
        request.open("POST", &form.action())?;
        let on_progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |event: ProgressEvent| {
            if event.length_computable() && event.total() > 0.0 {
                percent.set(Some((event.loaded() / event.total() * 100.0).floor() as u32));
            }
        });
        request.upload()?.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        let answered = request.clone();
        let on_end = Closure::<dyn FnMut()>::new(move || {
            match answered.status().unwrap_or(0) {
                // The server's redirect was followed: open the page it leads to.
                200 => {
                    percent.set(Some(100));
                    let _ = window().location().assign(&answered.response_url());
                }
                0 => {
                    percent.set(None);
                    failed.set(Some(
                        "L'envoi a été interrompu (connexion perdue ?) : rien n'a été enregistré. Réessayez."
                            .to_owned(),
                    ));
                }
                _ => {
                    percent.set(None);
                    let body = answered.response_text().ok().flatten().unwrap_or_default();
                    let error = serde_json::from_str::<crate::AppError>(&body).unwrap_or(crate::AppError::Internal);
                    failed.set(Some(error.to_string()));
                }
            }
        });
        request.set_onloadend(Some(on_end.as_ref().unchecked_ref()));
        failed.set(None);
        percent.set(Some(0));
        request.send_with_opt_form_data(Some(&data))?;
        // Both live as long as the request, which holds them.
        on_progress.forget();
        on_end.forget();
        Ok(())
    }
}
