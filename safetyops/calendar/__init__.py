"""The school calendar: terms, closed days and school weekdays."""
