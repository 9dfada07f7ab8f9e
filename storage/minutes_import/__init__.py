"""Import of minutes exported as text by the previous web tool.

``parse`` reads a file into the neutral structure of ``structure`` (pure; ``lines`` classifies
single lines, ``actions`` reads action blocks); ``load`` writes it through the repository
functions, idempotently. Underscored names in ``lines`` are private to this package.
"""
