"""Qt-free restroom domain: points, the 20-item standard, rounds, corrective actions."""
