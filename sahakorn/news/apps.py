from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "sahakorn.news"
    label = "news"
    verbose_name = "ข่าวประชาสัมพันธ์"
