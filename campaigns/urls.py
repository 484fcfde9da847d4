from campaigns.pledge_urls import urlpatterns as pledge_urlpatterns
from campaigns.review_urls import urlpatterns as review_urlpatterns
from campaigns.scoring_urls import urlpatterns as scoring_urlpatterns

app_name = "campaigns"

urlpatterns = pledge_urlpatterns + scoring_urlpatterns + review_urlpatterns
