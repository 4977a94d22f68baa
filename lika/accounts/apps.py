from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lika.accounts"
    label = "accounts"
    verbose_name = "Användare och enheter"
