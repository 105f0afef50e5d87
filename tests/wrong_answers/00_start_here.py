"""Plausible wrong answers for 00_start_here (each replaces the whole answer cell)."""
WRONG_ANSWERS = {
    "cosine_similarity": {
        "dot product without normalising": '''
import numpy as np
def cosine_similarity(a, b):
    return float(np.dot(a, b))
''',
        "divides by one norm only": '''
import numpy as np
def cosine_similarity(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(a @ b / np.linalg.norm(a) ** 2)
''',
        "returns a NumPy array, not a float": '''
import numpy as np
def cosine_similarity(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return np.array([a @ b / (np.linalg.norm(a) * np.linalg.norm(b))])
''',
        "returns a constant": '''
def cosine_similarity(a, b):
    return 1.0
''',
    },
}
