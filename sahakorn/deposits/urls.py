app_name = "deposits"
urlpatterns: list = []
