"""The portal's pages of change requests (信息变更): my requests and a new account waiting for the code sent by SMS,
the form to ask for a change, and one request with its outcome. Page shells like the rest of the portal: the choices
here are the models' reference data; everything about the applicant comes from ``/api/v1/me/change-requests/``
(the service checks every value there, and the scripts show its errors beside the fields)."""

from casework.models import ChangeRequest, Education, EmploymentStatus, Relation

from .views import ApplicantPage


class ChangesPage(ApplicantPage):
    """我的信息变更: my requests, newest first, and a new bank account waiting for my code."""

    template_name = "portal/changes.html"
    module = "changes"


class ChangeNewPage(ApplicantPage):
    """申请变更: what to change, then the fields of that kind, why, and documents."""

    template_name = "portal/change_new.html"
    module = "change_new"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            kinds=ChangeRequest.Kind.choices,
            educations=Education.choices,
            statuses=EmploymentStatus.choices,
            relations=[(value, label) for value, label in Relation.choices if value != Relation.HEAD],
            **kwargs,
        )


class ChangePage(ApplicantPage):
    template_name = "portal/change_detail.html"
    module = "change"

    def get_context_data(self, **kwargs):
        # Only the id from the address: the API answers 404 for a request that is not the caller's.
        return super().get_context_data(change_id=self.kwargs["pk"], **kwargs)
