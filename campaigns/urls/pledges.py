from django.urls import path

from campaigns.views import campaigns as campaign_views
from campaigns.views import pledges as views

TERM = "blocs/<slug:bloc_code>/<int:year>/"

urlpatterns = [
    path(TERM + "campaigns/", campaign_views.campaign_list, name="campaign_list"),
    path(TERM + "campaigns/new/", campaign_views.campaign_create, name="campaign_create"),
    path(
        TERM + "campaigns/<int:campaign_id>/",
        campaign_views.campaign_detail,
        name="campaign_detail",
    ),
    path(
        TERM + "campaigns/<int:campaign_id>/edit/",
        campaign_views.campaign_edit,
        name="campaign_edit",
    ),
    path(
        TERM + "campaigns/<int:campaign_id>/attachments/<int:attachment_id>/",
        campaign_views.campaign_attachment,
        name="campaign_attachment",
    ),
    path(TERM + "pledge/", views.pledge_detail, name="pledge_detail"),
    path(TERM + "pledge/edit/", views.pledge_edit, name="pledge_edit"),
    path(TERM + "pledge/copy/", views.pledge_copy, name="pledge_copy"),
    path(TERM + "pledge/open/", views.pledge_open, name="pledge_open"),
    path(TERM + "pledge/revise/", views.pledge_revise, name="pledge_revise"),
    path(TERM + "pledge/remind/", views.pledge_remind, name="pledge_remind"),
    path(TERM + "pledge/sign/", views.pledge_sign, name="pledge_sign"),
    path(TERM + "pledge/titles/", views.title_register, name="title_register"),
    path(
        TERM + "pledge/titles/<int:registration_id>/withdraw/",
        views.title_withdraw,
        name="title_withdraw",
    ),
]
