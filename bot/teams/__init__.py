"""Microsoft Teams: the Microsoft 365 Agents SDK translating activities to our commands."""
