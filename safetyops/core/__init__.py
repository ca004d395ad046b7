"""Cross-cutting pieces every area uses: access rules, errors, forms, PDF, mail, time
formatting and the declarative base of the database models."""
