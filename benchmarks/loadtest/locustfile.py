"""The portal's users for the load benchmark (benchmarks/load.py runs locust with this file; it
is not a benchmark script of its own).

Five kinds of user, in the proportions of the `weight`s below, each waiting 1-2 s between
requests as a person reading a page would:

- anonymous visitors: the home page, the public directory (some filtered), the public
  statistics and the letter check a QR code opens;
- CPMI: one journey after another, each a new person: sign-up, sign-in (to an account
  benchmarks/load.py activated beforehand: the activation e-mail is not read), the four
  registration steps, the check page and submission, the document checklist, one small PDF
  upload, sign-out;
- verification officers: the registration list with its filters, a registration's page, the
  verification queue, and the review of a pending document (approve, or reject with a reason);
- complainants: filing a complaint (no account), the receipt, then tracking it; and tracking
  one of the seeded cases;
- data staff: the statistics dashboard, a report request (made by the Celery worker), the
  downloads list.

The portal runs behind a TLS-terminating proxy in production: every request carries
`X-Forwarded-Proto: https` and `X-Forwarded-For` with the user's own address and the
proxy's (gunicorn runs with PROXY_COUNT=1), so the per-address limits count each simulated person separately, as
they count real people, and the secure cookies are sent back. A new person (a CPMI journey, a
complaint) gets a new address.

Every response is checked: a status of 400 or more, a form answered with itself (a 200 where
a redirect was due) or a redirect to the wrong place is a failure, reported by name.
"""

from __future__ import annotations

import datetime
import itertools
import json
import os
import random
import re
from pathlib import Path

from locust import HttpUser, between, task
from locust.exception import RescheduleTask
from requests.cookies import RequestsCookieJar

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
PDF = Path(PLAN["pdf"]).read_bytes()
PASSWORD = PLAN["password"]

# The rate-limit counters live in Redis and outlast a run: each run takes its own addresses.
_addresses = itertools.count(PLAN["first_address"])
_people = itertools.count(1)
_accounts = iter(PLAN["cpmi_accounts"])
_reviews = iter(PLAN["reviews"])

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
INTAKE_KEY = re.compile(r'name="intake_key" value="([^"]+)"')
UPLOAD_LINK = re.compile(r'href="(/dokumen/pendaftaran/\d+/unggah/[\w-]+/)"')
REGISTRATION_STEP = re.compile(r"/pendaftaran/(\d+)/langkah/alamat/$")
CASE_NUMBER = re.compile(r"ADU-\d{4}-\d+")
TRACKING_CODE = re.compile(r'id="kode-pelacakan">([^<]+)<')


class ProxiedCookieJar(RequestsCookieJar):
    """Cookies that go back over the plain-HTTP hop to gunicorn although the portal marks
    them secure, as they do behind the TLS-terminating proxy."""

    def set_cookie(self, cookie, *args, **kwargs):
        cookie.secure = False
        return super().set_cookie(cookie, *args, **kwargs)


class Portal(HttpUser):
    abstract = True
    wait_time = between(1, 2)

    def on_start(self):
        self.client.cookies = ProxiedCookieJar()
        self.client.headers["X-Forwarded-Proto"] = "https"
        # A new connection per request, as nginx opens to its upstream by default (gunicorn's
        # keep-alive would otherwise race the client reusing a connection it has just closed).
        self.client.headers["Connection"] = "close"
        # Django checks the Referer of a POST over HTTPS (CSRF): same origin.
        self.client.headers["Referer"] = f"https://{self.host.split('://', 1)[1]}/"
        self.new_address()

    def new_address(self):
        n = next(_addresses)
        # The person's address, then the proxy's (PROXY_COUNT=1 counts the proxy listed).
        person = f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"
        self.client.headers["X-Forwarded-For"] = f"{person}, 127.0.0.1"

    def page(self, url, name=None, *, ok=(200,)):
        """GET a page; anything but the expected status is a failure, which ends the task
        (the rest of a journey would fail for its sake). Returns the text."""
        with self.client.get(
            url, name=name or url, allow_redirects=False, catch_response=True
        ) as response:
            failed = response.status_code not in ok
            if failed:
                response.failure(f"status {response.status_code}")
        if failed:
            raise RescheduleTask()
        return response.text

    def submit(self, url, data, name=None, *, redirect=r".", files=None, form_page=None):
        """POST a form with its CSRF token (from `form_page`'s HTML, else the cookie);
        the answer must be a redirect whose target matches `redirect`, else the task ends.
        Returns the target."""
        token = None
        if form_page is not None:
            match = CSRF_INPUT.search(form_page)
            token = match.group(1) if match else None
        data = {"csrfmiddlewaretoken": token or self.client.cookies.get("csrftoken", ""), **data}
        with self.client.post(
            url,
            data=data,
            files=files,
            name=name or url,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "")
            failed = response.status_code != 302 or not re.search(redirect, location)
            if response.status_code != 302:
                errors = re.findall(
                    r'class="[^"]*invalid-feedback[^"]*"[^>]*>([^<]+)', response.text
                )
                errors += re.findall(
                    r'class="alert alert-danger[^"]*"[^>]*>\s*([^<]+)', response.text
                )
                response.failure(f"status {response.status_code}: {errors[:3]}")
            elif failed:
                response.failure(f"redirected to {location}")
        if failed:
            raise RescheduleTask()
        return location

    def sign_in(self, email):
        form = self.page("/akun/masuk/", "login page")
        self.submit(
            "/akun/masuk/",
            {"username": email, "password": PASSWORD},
            "login",
            redirect=r"/dasbor/$",
            form_page=form,
        )


class Anonymous(Portal):
    weight = 5

    @task(3)
    def home(self):
        self.page("/", "home")

    @task(3)
    def directory(self):
        query = random.choice(PLAN["directory_queries"])
        self.page(f"/direktori/{query}", "directory")

    @task(2)
    def statistics(self):
        self.page("/statistik/", "public statistics")

    @task(1)
    def p3mi_check(self):
        self.page("/cek-p3mi/", "P3MI check")

    @task(1)
    def letter_check(self):
        self.page(f"/verifikasi/{random.choice(PLAN['letter_tokens'])}/", "letter check")


class Cpmi(Portal):
    """One journey per task, each a new person from a new address."""

    weight = 3

    @task
    def journey(self):
        account = next(_accounts, None)
        if account is None:
            return
        self.new_address()
        self.client.cookies.clear()
        n = next(_people)
        form = self.page("/akun/daftar/", "sign-up page")
        self.submit(
            "/akun/daftar/",
            {
                "full_name": f"Wa Ode Beban {n}",
                "email": f"daftar-{PLAN['run']}-{n}@bench.test",
                "phone": f"0812{n:08d}",
                "password1": PASSWORD,
                "password2": PASSWORD,
                "consent": "on",
            },
            "sign-up",
            redirect=r"/akun/daftar/terkirim/$",
            form_page=form,
        )
        self.page("/akun/daftar/terkirim/", "sign-up sent")
        self.wait()
        self.sign_in(account)
        self.page("/dasbor/", "dashboard")
        self.wait()
        self.register(n)
        self.client.post("/akun/keluar/", {"csrfmiddlewaretoken": self.csrf()}, name="logout")

    def csrf(self):
        return self.client.cookies.get("csrftoken", "")

    def register(self, n):
        region = random.choice(PLAN["regions"])
        birth = datetime.date(1980, 1, 1) + datetime.timedelta(days=random.randrange(8000))
        nik = f"{region['nik_prefix']}{random.randint(1, 99):02d}{birth.day + 40:02d}"
        nik += f"{birth:%m%y}{random.randint(1, 9999):04d}"
        form = self.page("/pendaftaran/baru/", "registration step 1 (identity)")
        location = self.submit(
            "/pendaftaran/baru/",
            {
                "nik": nik,
                "full_name": f"Wa Ode Beban {n}",
                "sex": "P",
                "birthplace": "Kendari",
                "birth_date": birth.isoformat(),
                "marital_status": "belum_kawin",
                "action": "lanjut",
            },
            "registration step 1 (identity)",
            redirect=REGISTRATION_STEP.pattern,
            form_page=form,
        )
        match = REGISTRATION_STEP.search(location)
        if not match:
            return
        pk = match.group(1)
        steps = [
            (
                "alamat",
                "registration step 2 (address)",
                {
                    "address": "Jl. Sao-Sao No. 5",
                    "residence": region["pk"],
                    "kecamatan": "Kadia",
                    "village": "Bende",
                    "phone": f"0812{n:08d}",
                    "email": "",
                    "family_name": "La Ode Ali",
                    "family_relation": "ayah",
                    "family_phone": "0813 1111 2222",
                },
            ),
            (
                "pendidikan",
                "registration step 3 (education)",
                {"education": "sma", "experience": ""},
            ),
            (
                "tujuan",
                "registration step 4 (destination)",
                {
                    "scheme": "g2g",
                    "destination_country": PLAN["country"],
                    "occupation": PLAN["occupation"],
                    "employer_type": "badan_hukum",
                },
            ),
        ]
        for step, name, data in steps:
            self.wait()
            url = f"/pendaftaran/{pk}/langkah/{step}/"
            form = self.page(url, name)
            self.submit(url, {**data, "action": "lanjut"}, name, form_page=form)
        self.wait()
        check = f"/pendaftaran/{pk}/periksa/"
        form = self.page(check, "registration check")
        self.submit(
            check, {}, "registration submit", redirect=rf"/pendaftaran/{pk}/$", form_page=form
        )
        self.page(f"/pendaftaran/{pk}/", "registration timeline")
        self.wait()
        checklist = self.page(f"/dokumen/pendaftaran/{pk}/", "document checklist")
        link = UPLOAD_LINK.search(checklist)
        if link is None:
            return
        self.wait()
        form = self.page(link.group(1), "upload page")
        self.submit(
            link.group(1),
            {},
            "upload (small PDF)",
            redirect=rf"/dokumen/pendaftaran/{pk}/$",
            files={"file": ("ktp.pdf", PDF, "application/pdf")},
            form_page=form,
        )


class Officer(Portal):
    weight = 2

    def on_start(self):
        super().on_start()
        self.sign_in(PLAN["officer"])

    @task(4)
    def registration_list(self):
        query = random.choice(PLAN["registration_queries"])
        self.page(f"/petugas/pendaftaran/{query}", "officer list")

    @task(2)
    def registration_detail(self):
        pk = random.choice(PLAN["registration_ids"])
        self.page(f"/petugas/pendaftaran/{pk}/", "officer registration page")

    @task(1)
    def queue(self):
        self.page("/petugas/verifikasi/", "verification queue")

    @task(2)
    def review(self):
        item = next(_reviews, None)
        if item is None:
            return
        page = self.page(f"/petugas/verifikasi/{item['registration']}/", "review page")
        self.wait()
        prefix = f"d{item['document']}"
        data = {f"{prefix}-revision": item["revision"], f"{prefix}-note": ""}
        if random.random() < 0.2:
            data |= {f"{prefix}-action": "tolak", f"{prefix}-reason": PLAN["reject_reason"]}
            name = "review reject"
        else:
            data |= {f"{prefix}-action": "setujui", f"{prefix}-reason": ""}
            name = "review approve"
        self.submit(
            f"/petugas/verifikasi/dokumen/{item['document']}/",
            data,
            name,
            redirect=rf"/petugas/verifikasi/{item['registration']}/#dokumen-",
            form_page=page,
        )


class Complainant(Portal):
    weight = 1

    @task(2)
    def file_and_track(self):
        self.new_address()
        self.client.cookies.clear()
        form = self.page("/pengaduan/", "complaint form")
        key = INTAKE_KEY.search(form)
        self.wait()
        n = next(_people)
        self.submit(
            "/pengaduan/",
            {
                "complainant_kind": "family",
                "complainant_relation": "ibu",
                "complainant_name": f"Wa Ode Pengadu {n}",
                "complainant_phone": f"0813{n:08d}",
                "complainant_email": "",
                "worker_name": f"La Ode Pekerja {n}",
                "worker_nik": "",
                "worker_passport": "",
                "worker_sex": "",
                "worker_region": random.choice(PLAN["regions"])["pk"],
                "destination_country": PLAN["complaint_country"],
                "employer_name": "",
                "p3mi": "",
                "p3mi_name": "",
                "category": random.choice(PLAN["complaint_categories"]),
                "description": "Sudah tiga bulan gaji tidak dibayar dan tidak bisa dihubungi.",
                "consent": "on",
                "website": "",
                "intake_key": key.group(1) if key else "",
            },
            "complaint file",
            redirect=r"/pengaduan/terkirim/$",
            form_page=form,
        )
        receipt = self.page("/pengaduan/terkirim/", "complaint receipt")
        number, code = CASE_NUMBER.search(receipt), TRACKING_CODE.search(receipt)
        if number is None or code is None:
            return
        self.wait()
        self.track(number.group(0), code.group(1))

    @task(1)
    def track_seeded(self):
        self.track(random.choice(PLAN["case_numbers"]), PLAN["tracking_code"])

    def track(self, number, code):
        form = self.page("/pengaduan/lacak/", "complaint tracking page")
        token = CSRF_INPUT.search(form)
        with self.client.post(
            "/pengaduan/lacak/",
            {
                "csrfmiddlewaretoken": token.group(1) if token else "",
                "number": number,
                "code": code,
            },
            name="complaint track",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or number not in response.text:
                response.failure(f"status {response.status_code}, case not shown")


class Staff(Portal):
    weight = 1

    def on_start(self):
        super().on_start()
        self.sign_in(PLAN["staff"])

    @task(1)
    def dashboard(self):
        self.page("/statistik/dasbor/", "statistics dashboard")

    @task(1)
    def report(self):
        form = self.page("/statistik/laporan/", "report form")
        self.wait()
        today = datetime.date.today()
        self.submit(
            "/statistik/laporan/",
            {
                "kind": random.choice(["penempatan", "proses", "pengaduan"]),
                "export_format": random.choice(["csv", "xlsx"]),
                "period_kind": "tahun",
                "year": today.year,
                "month": today.month,
                "quarter": 1,
                "group_by": ["negara"],
                "complaint_group_by": ["kategori"],
            },
            "report request",
            redirect=r"/statistik/unduhan/$",
            form_page=form,
        )

    @task(3)
    def downloads(self):
        self.page("/statistik/unduhan/", "downloads list")
