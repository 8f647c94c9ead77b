from sahakorn.shares.urls_operations import urlpatterns as operations
from sahakorn.shares.urls_reports import urlpatterns as reports

app_name = "shares"
urlpatterns = operations + reports
