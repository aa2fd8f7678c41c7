"""Understanding a question, step by step: text, scope, intent, entities, periods, breakdowns."""
