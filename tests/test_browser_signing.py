"""Browser journeys of signing: an individual signs with the SMS code (read from the SMS
outbox), an entrepreneur uploads a `.sig`, the «Важно!» box without the plug-in, the
plug-in flow against a stand-in `cadesplugin`, and the plug-in self-test page."""

import base64
import hashlib
import json
import os
import re

import pytest
from django.urls import include, path

from core import sms
from core.gost import streebog_digest
from core.models import LegalForm, Signature
from core.services import signing
from tenants.models import GridCompany
from tests.conftest import TEST_PASSWORD, in_tenant, screenshot_dir
from tests.signing_support import (
    applicant_of,
    make_signable_document,
    make_staff,
    set_company_inn,
    sign_entry,
    stored_bytes,
)

pytestmark = pytest.mark.browser


def sign_in(page, base, email):
    page.goto(base + "/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(base + "/")


def shot(page, name):
    page.screenshot(path=os.path.join(screenshot_dir(), name), full_page=True)


@pytest.fixture
def alpha_company(live_server_url, committed_db):
    alpha = GridCompany.objects.get(subdomain="alpha")
    set_company_inn(alpha)
    return alpha


def document_signed_by_company(alpha, legal_form):
    applicant = applicant_of(alpha, legal_form)
    staff = make_staff(alpha)
    case, entry = make_signable_document(alpha, applicant, staff)
    with in_tenant(alpha):
        signing.submit_cades_signature(staff, entry, sign_entry(alpha, entry))
    return applicant, entry


def test_individual_signs_with_the_sms_code(live_server_url, page, alpha_company):
    alpha = alpha_company
    applicant, entry = document_signed_by_company(alpha, LegalForm.INDIVIDUAL)
    base = live_server_url.format(sub="alpha")
    sms.clear()
    sign_in(page, base, applicant.email)
    page.goto(base + "/documents/")
    block = page.locator(f"#signatures-{entry.pk}")
    text = " ".join(block.text_content().split())
    assert 'Подписано со стороны ООО "Альфа Сети": Админов Админ Админович' in text
    assert "Ожидается подписание документа со стороны пользователя" in text
    assert block.locator("[data-pep-code]").is_hidden()

    block.get_by_role("button", name="Подписать").click()
    code_box = block.locator("[data-pep-code]")
    code_box.wait_for(state="visible")
    assert (
        "На указанный в данных телефон, отправлено смс сообщение с кодом. Для подписания "
        'документа введите в поле снизу полученный код и нажмите кнопку "Подтвердить"'
        in code_box.text_content()
    )
    page.wait_for_function("() => true")
    assert sms.outbox, "the SMS was not delivered"
    assert sms.outbox[-1].phone == applicant.phone
    code = re.search(r"(\d{6})$", sms.outbox[-1].text).group(1)
    shot(page, "signing-pep-code.png")

    field = block.get_by_placeholder("Код")
    field.fill("000000" if code != "000000" else "111111")
    block.get_by_role("button", name="Подтвердить").click()
    error = block.locator("[data-error-for=code]")
    error.wait_for(state="visible")
    page.wait_for_function(
        "el => el.textContent.length > 0", arg=error.element_handle(), timeout=5000
    )
    assert "Неверный код. Осталось попыток: 4." in error.text_content()

    field.fill(code)
    with page.expect_navigation():
        block.get_by_role("button", name="Подтвердить").click()
    block = page.locator(f"#signatures-{entry.pk}")
    text = " ".join(block.text_content().split())
    assert "Дата подписания:" in text
    assert "Подписано со стороны пользователя: ПЭП: Туксин Артем Александрович" in text
    assert block.get_by_role("link", name="Скачать подпись").count() == 2
    shot(page, "signing-pep-done.png")

    with page.expect_download() as download_info:
        block.get_by_role("link", name="Скачать подпись").nth(1).click()
    download = download_info.value
    assert download.suggested_filename == "Договор ТП.pdf.ПЭП.xml"
    with open(download.path(), "rb") as fh:
        assert b"PepReceipt" in fh.read()


def test_entrepreneur_uploads_a_sig(live_server_url, page, alpha_company, tmp_path):
    alpha = alpha_company
    applicant, entry = document_signed_by_company(alpha, LegalForm.ENTREPRENEUR)
    sig = tmp_path / "Договор ТП.pdf.sig"
    sig.write_bytes(sign_entry(alpha, entry, "ip"))
    wrong = tmp_path / "чужая.sig"
    wrong.write_bytes(sign_entry(alpha, entry, "ul"))
    base = live_server_url.format(sub="alpha")
    sign_in(page, base, applicant.email)
    page.goto(base + "/documents/")
    block = page.locator(f"#signatures-{entry.pk}")
    block.locator("summary", has_text="Загрузить файл подписи (.sig)").click()
    form = block.locator("form[data-sig-upload]")

    form.locator("input[type=file]").set_input_files(str(wrong))
    form.get_by_role("button", name="Загрузить подпись").click()
    error = form.locator("[data-error-for=file]")
    page.wait_for_function("el => el.textContent.length > 0", arg=error.element_handle())
    assert "выдан не на заявителя" in error.text_content()
    shot(page, "signing-sig-refused.png")

    form.locator("input[type=file]").set_input_files(str(sig))
    with page.expect_navigation():
        form.get_by_role("button", name="Загрузить подпись").click()
    block = page.locator(f"#signatures-{entry.pk}")
    text = " ".join(block.text_content().split())
    assert "Дата подписания:" in text
    assert "Подписано со стороны пользователя: Туксин Артем Александрович" in text
    block.locator("summary", has_text="Сведения о подписи").nth(1).click()
    assert "318420500015205" in block.text_content()
    shot(page, "signing-sig-done.png")
    with in_tenant(alpha):
        assert Signature.objects.get(entry=entry, side="applicant").cert_ogrnip == "318420500015205"


def test_without_the_plugin_the_important_box_appears(live_server_url, page, alpha_company):
    alpha = alpha_company
    applicant, entry = document_signed_by_company(alpha, LegalForm.LEGAL_ENTITY)
    base = live_server_url.format(sub="alpha")
    sign_in(page, base, applicant.email)
    page.goto(base + "/documents/")
    block = page.locator(f"#signatures-{entry.pk}")
    block.get_by_role("button", name="Подписать").click()
    box = page.locator("#cryptopro-missing")
    box.wait_for(state="visible")
    text = " ".join(box.text_content().split())
    assert "Важно!" in text
    assert "Для подписи документа необходимо установить КриптоПро ЭЦП Browser plug-in" in text
    assert box.get_by_role("link", name="установить КриптоПро ЭЦП Browser plug-in").count() == 1
    assert box.get_by_role("link", name="КриптоПро CSP").count() == 1
    shot(page, "signing-plugin-missing.png")
    box.locator(".modal-buttons").get_by_role("button", name="Закрыть").click()
    assert box.is_hidden()


FAKE_PLUGIN = """
(() => {
  const data = %s;
  window.__signed = [];
  const P = (v) => Promise.resolve(v);
  const cert = {
    SubjectName: P(data.subject), IssuerName: P("CN=Тестовый УЦ, O=ООО Тестовый УЦ"),
    Thumbprint: P("0123456789ABCDEF0123456789ABCDEF01234567"),
    ValidFromDate: P("2025-01-01T00:00:00.000Z"), ValidToDate: P("2035-01-01T00:00:00.000Z"),
    HasPrivateKey: () => P(true),
    PublicKey: () => P({Algorithm: P({Value: P("1.2.643.7.1.1.1.1")})}),
  };
  const objects = {
    "CAdESCOM.Store": () => ({Open: () => P(), Close: () => P(),
      Certificates: P({Count: P(1), Item: () => P(cert)})}),
    "CAdESCOM.HashedData": () => { const o = {
      propset_Algorithm: (a) => { o.algorithm = a; return P(); },
      SetHashValue: (h) => { o.hash = h; return P(); } }; return o; },
    "CAdESCOM.CPSigner": () => ({propset_Certificate: () => P(), propset_Options: () => P()}),
    "CAdESCOM.CadesSignedData": () => ({SignHash: (hashed, signer, type) => {
      window.__signed.push({algorithm: hashed.algorithm, hash: hashed.hash, type: type});
      return P(data.signature); }}),
    "CAdESCOM.About": () => ({Version: P("2.0.15400"), CSPVersion: () =>
      P({MajorVersion: P(5), MinorVersion: P(0), BuildVersion: P(13000)})}),
  };
  const plugin = Promise.resolve();
  plugin.CreateObjectAsync = (name) => P(objects[name]());
  window.cadesplugin = plugin;
})();
"""


def test_entrepreneur_signs_through_the_plugin(live_server_url, page, alpha_company):
    alpha = alpha_company
    applicant, entry = document_signed_by_company(alpha, LegalForm.ENTREPRENEUR)
    content = stored_bytes(alpha, entry)
    signature = base64.b64encode(sign_entry(alpha, entry, "ip")).decode()
    page.add_init_script(
        FAKE_PLUGIN
        % json.dumps(
            {
                "subject": "CN=ИП Туксин Артем Александрович, SN=Туксин, INN=420538910787",
                "signature": signature,
            }
        )
    )
    base = live_server_url.format(sub="alpha")
    sign_in(page, base, applicant.email)
    page.goto(base + "/documents/")
    block = page.locator(f"#signatures-{entry.pk}")
    block.locator("[data-qes-start]").click()
    select = block.locator("[data-qes-certs]")
    select.wait_for(state="visible")
    assert "ИП Туксин Артем Александрович" in select.text_content()
    shot(page, "signing-plugin-certificates.png")
    with page.expect_navigation():
        block.locator("[data-qes-sign]").click()
    block = page.locator(f"#signatures-{entry.pk}")
    assert "Дата подписания:" in block.text_content()
    with in_tenant(alpha):
        stored = Signature.objects.get(entry=entry, side="applicant")
    assert stored.method == "qes" and stored.digest_bits == 256
    assert stored.document_sha256 == entry.sha256
    assert stored.file_sha256 == hashlib.sha256(base64.b64decode(signature)).hexdigest()
    assert content


def test_plugin_receives_the_streebog_hash(live_server_url, page, alpha_company):
    alpha = alpha_company
    applicant, entry = document_signed_by_company(alpha, LegalForm.ENTREPRENEUR)
    content = stored_bytes(alpha, entry)
    page.add_init_script(
        FAKE_PLUGIN
        % json.dumps({"subject": "CN=ИП Туксин Артем Александрович", "signature": "bm90IGNtcw=="})
    )
    base = live_server_url.format(sub="alpha")
    sign_in(page, base, applicant.email)
    page.goto(base + "/documents/")
    block = page.locator(f"#signatures-{entry.pk}")
    block.locator("[data-qes-start]").click()
    block.locator("[data-qes-certs]").wait_for(state="visible")
    block.locator("[data-qes-sign]").click()
    error = block.locator("[data-qes-error]")
    page.wait_for_function("el => el.textContent.length > 0", arg=error.element_handle())
    assert "Подпись не принята" in error.text_content()
    signed = page.evaluate("window.__signed")
    assert signed == [
        {"algorithm": 101, "hash": streebog_digest(content, 256).hex().upper(), "type": 1}
    ]


def test_plugin_self_test_page_lists_certificates(live_server_url, page, alpha_company):
    alpha = alpha_company
    applicant = applicant_of(alpha, LegalForm.LEGAL_ENTITY)
    page.add_init_script(
        FAKE_PLUGIN % json.dumps({"subject": 'CN=ООО "Ромашка", SN=Туксин', "signature": ""})
    )
    base = live_server_url.format(sub="alpha")
    sign_in(page, base, applicant.email)
    page.goto(base + "/signing/check/")
    status = page.locator("[data-check-status]")
    page.wait_for_function("el => el.textContent.includes('работает')", arg=status.element_handle())
    assert "Версия плагина: 2.0.15400, версия КриптоПро CSP: 5.0.13000" in status.text_content()
    row = page.locator("[data-check-certs] tbody tr")
    assert 'ООО "Ромашка"' in row.text_content() and "подходит" in row.text_content()
    shot(page, "signing-check.png")


# The console includes adminpanel.signing_urls under /console/; these journeys route it
# themselves so that they do not depend on that line.
urlpatterns = [
    path("console/", include("adminpanel.signing_urls")),
    path("", include("config.urls_tenant")),
]


@pytest.mark.urls(__name__)
def test_staff_signs_on_the_console_with_a_sig_and_checks_a_receipt(
    live_server_url, page, alpha_company, tmp_path
):
    alpha = alpha_company
    applicant = applicant_of(alpha, LegalForm.INDIVIDUAL)
    staff = make_staff(alpha)
    case, entry = make_signable_document(alpha, applicant, staff)
    sig = tmp_path / "Договор ТП.pdf.sig"
    sig.write_bytes(sign_entry(alpha, entry))
    base = live_server_url.format(sub="alpha")
    page.goto(base + "/accounts/login/")
    page.fill("input[name=login]", staff.email)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_load_state()
    page.goto(base + f"/console/cases/{case.pk}/")
    block = page.locator(f"#signatures-{entry.pk}")
    text = " ".join(block.text_content().split())
    assert 'Не подписано со стороны ООО "Альфа Сети"' in text
    assert block.locator("[data-qes-start]").is_visible()
    block.locator("summary", has_text="Загрузить файл подписи (.sig)").click()
    form = block.locator("form[data-sig-upload]")
    form.locator("input[type=file]").set_input_files(str(sig))
    shot(page, "signing-console-upload.png")
    with page.expect_navigation():
        form.get_by_role("button", name="Загрузить подпись").click()
    assert page.url.startswith(base + f"/console/cases/{case.pk}/")
    block = page.locator(f"#signatures-{entry.pk}")
    text = " ".join(block.text_content().split())
    assert 'Подписано со стороны ООО "Альфа Сети": Админов Админ Админович' in text
    assert "Ожидается подписание документа со стороны пользователя" in text
    assert block.get_by_role("button", name="Подписать").count() == 0
    shot(page, "signing-console-signed.png")

    # The applicant signs with ПЭП; staff check the downloaded receipt on the console.
    sms.clear()
    with in_tenant(alpha):
        signing.request_sms_code(applicant, entry)
        from core.notifications import deliver_pending

        deliver_pending()
        code = re.search(r"(\d{6})$", sms.outbox[-1].text).group(1)
        signature = signing.confirm_sms_code(applicant, entry, code, ip="127.0.0.1")
    receipt = tmp_path / "квитанция.xml"
    page.goto(base + f"/console/cases/{case.pk}/")
    with page.expect_download() as download_info:
        page.locator(f"#signatures-{entry.pk}").get_by_role("link", name="Скачать подпись").nth(
            1
        ).click()
    download_info.value.save_as(str(receipt))
    page.goto(base + "/console/signing/verify-receipt/")
    page.locator("input[type=file]").set_input_files(str(receipt))
    with page.expect_navigation():
        page.get_by_role("button", name="Проверить").click()
    result = page.locator(".receipt-result").text_content()
    assert "Квитанция подлинная" in result
    assert "документ не изменялся после подписания" in result
    assert str(signature.receipt_id) in result
    shot(page, "signing-verify-receipt.png")
