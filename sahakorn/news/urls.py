from django.urls import path

from sahakorn.news import views

app_name = "news"
urlpatterns = [
    path("", views.announcement_list, name="list"),
    path("new/", views.announcement_create, name="create"),
    path("<int:pk>/", views.announcement_detail, name="detail"),
    path("<int:pk>/edit/", views.announcement_edit, name="edit"),
    path("<int:pk>/publish/", views.announcement_publish, name="publish"),
    path("<int:pk>/withdraw/", views.announcement_withdraw, name="withdraw"),
]
