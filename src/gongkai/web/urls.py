from django.contrib import admin
from django.contrib.staticfiles.views import serve as static_serve
from django.urls import include, path, re_path

from gongkai.web import api, views_check, views_draft, views_main, views_register, views_roster, views_survey

handler400 = "gongkai.web.errors.bad_request"
handler403 = "gongkai.web.errors.permission_denied"
handler404 = "gongkai.web.errors.not_found"
handler500 = "gongkai.web.errors.server_error"

REF = "<str:ref>"

# JSON API (described in openapi.py), first and under one prefix: a call is resolved without
# trying every page's pattern, and a page without trying the API's.
api_patterns = [
    path("parse", api.parse),
    path("check", api.check),
    path("openapi.json", api.openapi),
    path("bodies", api.bodies),
    path("bodies/<int:body_id>/requests", api.requests_),
    path(f"bodies/<int:body_id>/requests/{REF}", api.request_),
    path(f"bodies/<int:body_id>/requests/{REF}/events", api.events),
    path(f"bodies/<int:body_id>/requests/{REF}/letters/<str:kind>", api.letter),
    path("bodies/<int:body_id>/table3/<int:year>", api.table3),
    path("bodies/<int:body_id>/reports", api.reports),
    path("bodies/<int:body_id>/reports/<int:year>", api.report),
    path("bodies/<int:body_id>/reports/<int:year>/build", api.report_build),
    path("bodies/<int:body_id>/reports/<int:year>/from-register", api.report_from_register),
    path("corpus/stats", api.corpus_stats),
    path("corpus/compare", api.corpus_compare),
    path("corpus/reports", api.corpus_reports),
    path("corpus/reports/<int:doc_id>", api.corpus_report),
    path("corpus/tables/<str:table>.csv", api.corpus_table),
    path("corpus/rollup", api.corpus_rollup),
    path("roster", views_roster.roster_api),
]

urlpatterns = [
    path("api/", include(api_patterns)),
    path("", views_main.home),
    path("login/", views_main.LoginView.as_view(), name="login"),
    path("logout/", views_main.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("check/", views_check.check_page),
    path("draft/", views_draft.draft_home),
    path("draft/new", views_draft.draft_new),
    path("draft/markdown", views_draft.markdown_preview),
    path("draft/<int:body_id>/<int:year>/", views_draft.draft_edit),
    path("draft/<int:body_id>/<int:year>/preview", views_draft.draft_preview),
    path("draft/<int:body_id>/<int:year>/from-register", views_draft.draft_from_register),
    path("draft/<int:body_id>/<int:year>/download/<str:form>", views_draft.draft_download),
    path("register/", views_register.register_home),
    path("register/calendar/", views_register.register_calendar),
    path("register/<int:body_id>/", views_register.register_list),
    path("register/<int:body_id>/new", views_register.register_new),
    path("register/<int:body_id>/table3/", views_register.register_table3),
    path("register/<int:body_id>/log/", views_register.register_log),
    path("register/<int:body_id>/import", views_register.register_import),
    path("register/<int:body_id>/export.<str:form>", views_register.register_export),
    path("register/<int:body_id>/log/event", views_register.log_event),
    path("register/<int:body_id>/log/item/<str:ref>/", views_register.log_item),
    path("register/<int:body_id>/log/import", views_register.log_import),
    path("register/<int:body_id>/log/export.<str:form>", views_register.log_export),
    path("register/<int:body_id>/templates/", views_register.register_templates),
    path("register/<int:body_id>/templates/<str:letter>.docx", views_register.register_template_file),
    path(f"register/<int:body_id>/r/{REF}/", views_register.request_page),
    path(f"register/<int:body_id>/r/{REF}/event", views_register.request_event),
    path(f"register/<int:body_id>/r/{REF}/letter/<str:kind>", views_register.request_letter),
    path("survey/", views_survey.survey_page),
    path("survey/compare", views_survey.survey_compare),
    path("survey/report/<int:doc_id>/", views_survey.survey_report),
    path("survey/upload", views_survey.survey_upload),
    path("roster/", views_roster.roster_page),
    path("roster/add", views_roster.roster_add),
    path("roster/import", views_roster.roster_import),
    path("roster/<int:entry_id>/remove", views_roster.roster_remove),
    path("roster/export.<str:form>", views_roster.roster_export),
    # Static files (htmx and our CSS/JS) come from the package; no CDN, no collectstatic needed.
    re_path(r"^static/(?P<path>.*)$", static_serve, {"insecure": True}),
    path("favicon.ico", static_serve, {"path": "web/favicon.ico", "insecure": True}),
]
