from django.urls import path

from plenary.letters import views

app_name = "letters"
urlpatterns = [
    path("<slug:slug>/letter/", views.letter_page, name="page"),
    path("<slug:slug>/letter.docx", views.letter_docx, name="docx"),
]
