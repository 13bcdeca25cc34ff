"""The patient association's inquiry desk: inquiries, information and assistance cases (issue 13)."""
