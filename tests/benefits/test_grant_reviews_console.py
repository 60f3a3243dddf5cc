"""Grant reviews in the console: after a change to 张三's record the rules no longer find him eligible for his grant;
alice (caseworker) keeps it with a reason, bob (supervisor) ends it, alice cannot end it and reads why, carol of 济南
sees nothing of it. The worklist item links to the review and closes when it is decided; the payment exceptions
page names a payment held for a new bank account and sends to the account changes."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benefits.models import Entitlement, GrantReview, PaymentException
from casework import follow_ups, services_changes
from casework.models import ChangeRequest, FollowUp, Person
from tests.test_every_word_chinese import english_words

from .workflow import monthly_grant

pytestmark = pytest.mark.django_db
D = datetime.date

REASONS = [
    {
        "condition": "registered_unemployed",
        "label": "处于登记失业状态",
        "met": False,
        "clause": "大人社发〔2021〕12号 第三条",
        "missing": [],
        "detail": "2026-11-02起已就业",
    },
    {"condition": "age", "label": "年龄在16周岁以上", "met": True, "clause": "第二条", "missing": [], "detail": ""},
]

WHY_NOT_END = "只有本单位或上级单位的审核人可以暂停、恢复或终止待遇。"


@pytest.fixture
def grant(world, graduate):
    return monthly_grant(world, graduate, end=D(2027, 6, 30))


@pytest.fixture
def review(world, graduate, grant):
    """张三 told the job centre (through dan's portal account) he found a job; alice applied it; the rules no longer
    find him eligible for his grant: a review waits on the worklist."""
    Person.objects.filter(pk=graduate.pk).update(account=world.dan)
    change_request = services_changes.change_request_submit(
        actor=world.dan,
        person=graduate,
        kind=ChangeRequest.Kind.EMPLOYMENT,
        values={"status": "employed", "started_on": "2026-11-02", "employer_name": "友好物流公司"},
        statement="找到工作了。",
    )
    services_changes.change_request_apply(actor=world.alice, change_request=change_request, note="劳动合同。")
    GrantReview.objects.filter(entitlement=grant).delete()  # whatever the rules found: the reasons of this test
    review = GrantReview.objects.create(
        entitlement=grant, unit=grant.unit, change_request=change_request, raised_on=D(2026, 11, 21), reasons=REASONS
    )
    follow_ups.refresh(person_ids=[graduate.pk])
    return review


def open_item(person):
    return FollowUp.objects.filter(person=person, kind=FollowUp.Kind.GRANT_REVIEW, done_at__isnull=True).first()


def detail_url(review):
    return reverse("benefits:grant-review-detail", args=[review.pk])


def test_the_review_shows_the_grant_the_request_and_the_reasons(world, graduate, review, console_as):
    client = console_as(world.alice)
    listing = client.get(reverse("benefits:grant-review-list"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert detail_url(review) in listing
    html = client.get(detail_url(review), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    grant = review.entitlement
    assert grant.program.name_zh in html and str(grant.amount_per_period) in html and "2027-06-30" in html
    assert reverse("casework:change-request-detail", args=[review.change_request_id]) in html
    assert "处于登记失业状态" in html and "大人社发〔2021〕12号 第三条" in html and "2026-11-02起已就业" in html
    assert "年龄在16周岁以上" not in html  # a condition still met is not a reason
    assert graduate.id_number not in html
    assert 'value="keep"' in html and 'value="end"' not in html
    assert WHY_NOT_END in html  # why alice cannot end it, in Chinese
    for page in (listing, html):
        assert english_words(page, typed={"alice"}) == set()


def test_the_change_requests_page_lists_the_reviews_it_raised(world, review, console_as):
    url = reverse("casework:change-request-detail", args=[review.change_request_id])
    html = console_as(world.bob).get(url).content.decode()
    assert 'id="grant-reviews"' in html and detail_url(review) in html


def test_carol_of_jinan_sees_nothing(world, review, console_as):
    client = console_as(world.carol)
    assert detail_url(review) not in client.get(reverse("benefits:grant-review-list")).content.decode()
    assert client.get(detail_url(review)).status_code == 404
    for action in ("keep", "end"):
        response = client.post(detail_url(review), {"action": action, f"{action}-note": "x"})
        assert response.status_code == 404
    review.refresh_from_db()
    assert review.status == GrantReview.Status.OPEN


def test_the_worklist_links_to_the_review(world, graduate, review, console_as):
    client = console_as(world.alice)
    assert open_item(graduate) is not None
    html = client.get(reverse("casework:worklist")).content.decode()
    link = f"{reverse('benefits:grant-review-list')}?person={graduate.pk}"
    assert f'href="{link}"' in html
    response = client.get(link)
    assert response.status_code == 302 and response["Location"] == detail_url(review)


def test_alice_keeps_the_grant_with_a_reason(world, graduate, review, console_as):
    client = console_as(world.alice)
    response = client.post(detail_url(review), {"action": "keep", "keep-note": ""}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200 and 'id="id_keep-note_error"' in response.content.decode()
    review.refresh_from_db()
    assert review.status == GrantReview.Status.OPEN
    response = client.post(detail_url(review), {"action": "keep", "keep-note": "合同为三个月的临时工作，仍符合条件。"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == GrantReview.Status.KEPT and review.decided_by == world.alice
    assert review.note == "合同为三个月的临时工作，仍符合条件。"
    assert Entitlement.objects.get(pk=review.entitlement_id).status == Entitlement.Status.ACTIVE
    assert open_item(graduate) is None
    html = client.get(detail_url(review)).content.decode()
    assert 'value="keep"' not in html and "合同为三个月的临时工作" in html


def test_alice_cannot_end_it_bob_can(world, graduate, review, console_as):
    response = console_as(world.alice).post(
        detail_url(review), {"action": "end", "end-note": "已就业。"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 200 and WHY_NOT_END in response.content.decode()
    review.refresh_from_db()
    assert review.status == GrantReview.Status.OPEN
    assert Entitlement.objects.get(pk=review.entitlement_id).status == Entitlement.Status.ACTIVE
    client = console_as(world.bob)
    assert 'value="end"' in client.get(detail_url(review)).content.decode()
    response = client.post(detail_url(review), {"action": "end", "end-note": "已于2026-11-02就业。"})
    assert response.status_code == 302
    review.refresh_from_db()
    grant = Entitlement.objects.get(pk=review.entitlement_id)
    assert review.status == GrantReview.Status.ENDED and review.decided_by == world.bob
    assert grant.status == Entitlement.Status.TERMINATED and grant.status_reason == "已于2026-11-02就业。"
    assert open_item(graduate) is None


def test_an_unknown_action_is_not_found(world, review, console_as):
    assert console_as(world.bob).post(detail_url(review), {"action": "delete"}).status_code == 404


def test_the_list_costs_the_same_queries_for_two_reviews_or_six(world, review, console_as, django_assert_num_queries):
    def decided(count):
        for _ in range(count):
            GrantReview.objects.create(
                entitlement=review.entitlement,
                unit=review.unit,
                change_request=review.change_request,
                raised_on=D(2026, 11, 1),
                reasons=REASONS,
                status=GrantReview.Status.KEPT,
                decided_by=world.alice,
                note="仍符合条件。",
            )

    decided(1)
    client = console_as(world.bob)
    url = reverse("benefits:grant-review-list") + "?status="
    client.get(url)
    with CaptureQueriesContext(connection) as two:
        client.get(url)
    decided(4)
    with django_assert_num_queries(len(two.captured_queries)):
        html = client.get(url).content.decode()
    assert html.count('id="review-') == 6


def test_a_payment_held_for_a_new_account_is_named_and_sent_to_the_account_changes(world, grant, finance, console_as):
    held = PaymentException.objects.create(
        kind=PaymentException.Kind.NEW_ACCOUNT,
        entitlement=grant,
        month=D(2026, 12, 1),
        content={"periods": 1, "total_cny": "1000.00", "from": "2026-12", "to": "2026-12"},
        problem="1期（2026-12至2026-12，1000.00元）暂停：银行账户已变更，尚未经另一名工作人员确认",
    )
    client = console_as(finance)
    html = client.get(reverse("benefits:payment-exception-list"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "新银行账户待确认，发放暂停" in html
    assert reverse("casework:account-change-list") in html
    assert f'name="exception" value="{held.pk}"' not in html  # settled by the account change, not by hand
    assert english_words(html, typed={"fang"}) == set()
    # a hand-made POST is refused with the reason, not a server error
    response = client.post(
        reverse("benefits:payment-exception-list"),
        {"exception": held.pk, "resolution": "已联系本人。"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    assert "此笔发放因新银行账户待确认而暂停" in response.content.decode()
    held.refresh_from_db()
    assert held.resolved_at is None
