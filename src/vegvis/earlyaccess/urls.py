app_name = "earlyaccess"

urlpatterns: list = []
