from campaigns.pledge_urls import urlpatterns as pledge_urlpatterns
from campaigns.scoring_urls import urlpatterns as scoring_urlpatterns

app_name = "campaigns"

urlpatterns = pledge_urlpatterns + scoring_urlpatterns
