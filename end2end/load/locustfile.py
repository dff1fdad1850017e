"""The last day of a campaign, for `make loadtest` (Locust, headless).

Establishment users (one generated account each, `ecars demo generate --last-day --region
Auvergne-Rhône-Alpes`): log in, open
their 500-question tree, save an answer every few seconds, now and then attach a 2 MB document,
and once their last questions are answered and their director confirmed, close the evaluation.
Agency users: the region's dashboard, its charts and its exports, over all its establishments.

Every request a real browser would make without JavaScript: pages, then the forms' POSTs with the
headers a browser adds (`Sec-Fetch-Site`), so the portal's access gate and CSRF checks run as in
service. A refusal the portal should not give is a failure; nothing else is.
"""

import itertools
import os
import random
import re
import threading

from locust import HttpUser, between, events, task

GENERATED_PASSWORD = "Generation-Demo-2026!"
# The region's agency: its administrator sees every establishment of the region, as a referent
# of each would (one session per agency user).
AGENCY_ACCOUNT = ("admin-ara@ars.exemple.fr", "Admin-Ara-Demo-2026!")
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}
ESTABLISHMENTS = int(os.environ.get("LOAD_ESTABLISHMENTS", "300"))
AGENCY_USERS = int(os.environ.get("LOAD_AGENCY_USERS", "20"))
DOCUMENT = b"%PDF-1.7\n" + os.urandom(2 * 1024 * 1024 - 16) + b"\n%%EOF\n"

_next_entity = itertools.count(1)
_next_agency = itertools.count(0)
_lock = threading.Lock()


def take(counter):
    with _lock:
        return next(counter)


def from_own_office(user, n):
    """Each user from its own office's address (HAProxy adds it to X-Forwarded-For, the portal
    believes its own proxy): the portal's per-address login limit sees 320 offices, as in service."""
    user.client.headers["X-Forwarded-For"] = f"10.{n // 250}.{n % 250}.1"


def log_in(user, email, password):
    with user.client.post(
        "/api/connexion",
        data={"identifier": email, "password": password},
        headers=SAME_ORIGIN,
        name="connexion",
        catch_response=True,
        allow_redirects=False,
    ) as response:
        if response.status_code >= 400 or "ecars_session" not in response.headers.get("set-cookie", ""):
            response.failure(f"connexion refusée ({response.status_code})")
            return False
        response.success()
        return True


class Establishment(HttpUser):
    fixed_count = ESTABLISHMENTS
    wait_time = between(2, 5)

    def on_start(self):
        self.entity = take(_next_entity)
        from_own_office(self, self.entity)
        self.closed = False
        self.contract = None
        self.uploads = 0
        # The questions seen answerable (grey ones take neither answers nor documents).
        self.editable = set()
        if not log_in(self, f"etablissement-{self.entity:05d}@generation.exemple.fr", GENERATED_PASSWORD):
            return
        # Home lists the user's legal entity, whose page lists its contract.
        home = self.client.get("/", name="accueil")
        entity = re.search(r'href="(/entites-juridiques/\d+)"', home.text)
        if not entity:
            return
        page = self.client.get(entity.group(1), name="entité juridique")
        found = re.search(r'href="/contrats/(\d+)"', page.text)
        if not found:
            return
        self.contract = int(found.group(1))
        self.questions = self.open_tree()

    def open_tree(self, to_fill=False):
        query = "?a_saisir=1" if to_fill else ""
        name = "arbre (à saisir)" if to_fill else "arbre des indicateurs"
        tree = self.client.get(f"/contrats/{self.contract}/indicateurs{query}", name=name)
        leaf = r'<li class="tree__leaf"><a class="tree__question" href="[^"]*" data-question="(\d+)"'
        return [int(question) for question in re.findall(leaf if to_fill else r'data-question="(\d+)"', tree.text)]

    def save(self, question):
        panel = self.client.get(
            f"/contrats/{self.contract}/indicateurs/question?question={question}", name="panneau de la question"
        )
        version = re.search(r'name="version" value="(\d+)"', panel.text)
        if not version or 'name="achieved"' not in panel.text:
            return  # a grey question: the agency's
        self.editable.add(question)
        self.client.post(
            "/api/enregistrer_reponse",
            data={"question_id": question, "version": version.group(1), "not_concerned": "on", "achieved": ""},
            headers=SAME_ORIGIN,
            name="enregistrer une réponse",
        )

    @task(20)
    def save_an_answer(self):
        if self.contract and not self.closed and self.questions:
            self.save(random.choice(self.questions))

    @task(3)
    def look_at_the_tree(self):
        if self.contract:
            self.open_tree()

    @task(1)
    def attach_a_document(self):
        if not self.contract or self.closed or not self.editable:
            return
        question = random.choice(sorted(self.editable))
        self.uploads += 1
        self.client.post(
            f"/api/documents/question/{question}",
            data=DOCUMENT,
            headers={**SAME_ORIGIN, "x-nom-document": f"preuve-{self.uploads}.pdf", "content-type": "application/pdf"},
            name="joindre un document de 2 Mo",
        )

    @task(1)
    def finish_and_close(self):
        if not self.contract or self.closed:
            return
        for question in self.open_tree(to_fill=True):
            self.save(question)
        contacts = self.client.get(f"/contrats/{self.contract}/contacts", name="contacts")
        for contact in sorted(set(re.findall(rf'href="/contrats/{self.contract}/contacts/(\d+)"', contacts.text))):
            self.client.post(
                "/api/enregistrer_contact",
                data={
                    "contact_id": contact,
                    "last_name": "MARTIN",
                    "first_name": "Claire",
                    "email": f"direction-{self.entity}@generation.exemple.fr",
                    "phone": "+33 4 76 76 75 75",
                },
                headers=SAME_ORIGIN,
                name="mettre à jour un contact",
            )
        with self.client.post(
            "/api/clore_la_saisie",
            data={"contract_id": self.contract},
            headers=SAME_ORIGIN,
            name="clore la saisie",
            catch_response=True,
        ) as response:
            if response.status_code < 400:
                self.closed = True
                response.success()
            else:
                response.failure(f"clôture refusée ({response.status_code}): {response.text[:200]}")


class Agency(HttpUser):
    fixed_count = AGENCY_USERS
    # A referent reads a page before asking for the next.
    wait_time = between(5, 15)

    def on_start(self):
        n = take(_next_agency)
        from_own_office(self, 1000 + n)
        log_in(self, *AGENCY_ACCOUNT)

    @task(6)
    def dashboard(self):
        self.client.get("/suivi", name="suivi de la campagne")

    @task(2)
    def charts(self):
        self.client.get("/suivi/graphiques", name="graphiques du suivi")

    @task(1)
    def export_xlsx(self):
        self.client.get("/api/suivi/export/xlsx", name="export xlsx")

    @task(1)
    def export_csv(self):
        self.client.get("/api/suivi/export/csv", name="export csv")
