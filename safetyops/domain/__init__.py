"""Pure domain rules: no Flask, no database, no clock. Tested directly."""
