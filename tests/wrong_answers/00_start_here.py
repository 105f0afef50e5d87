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
    "most_similar": {
        "counts shared words instead of comparing meanings": '''
def most_similar(question, candidates):
    words = lambda t: set(t.lower().replace("?", "").replace(".", "").split())
    q = words(question)
    overlap = [len(q & words(c)) / len(q | words(c)) for c in candidates]
    return overlap.index(max(overlap))
''',
        "returns the least similar candidate (argmin)": '''
import numpy as np
def most_similar(question, candidates):
    vectors = embeddings.embed([question, *candidates])
    return int(np.argmin(vectors[1:] @ vectors[0]))
''',
        "returns the candidate text, not its index": '''
import numpy as np
def most_similar(question, candidates):
    vectors = embeddings.embed([question, *candidates])
    return candidates[int(np.argmax(vectors[1:] @ vectors[0]))]
''',
        "always returns the first candidate": '''
def most_similar(question, candidates):
    return 0
''',
        "off by one: counts the question as candidate 0": '''
import numpy as np
def most_similar(question, candidates):
    vectors = embeddings.embed([question, *candidates])
    return int(np.argmax(vectors[1:] @ vectors[0])) + 1
''',
    },
    "framework_quiz": {
        "starts by drawing the pipeline": '''
def framework_quiz():
    return {"q1": "a", "q2": "b", "q3": "ad", "q4": "b"}
''',
        "budgets the time to the last token": '''
def framework_quiz():
    return {"q1": "c", "q2": "a", "q3": "ad", "q4": "b"}
''',
        "only one letter on the select-all question": '''
def framework_quiz():
    return {"q1": "c", "q2": "b", "q3": "a", "q4": "b"}
''',
        "believes editing a test cell helps": '''
def framework_quiz():
    return {"q1": "c", "q2": "b", "q3": "abd", "q4": "b"}
''',
        "every letter on every question": '''
def framework_quiz():
    return {"q1": "abcd", "q2": "abcd", "q3": "abcd", "q4": "abcd"}
''',
        "a list instead of a dict": '''
def framework_quiz():
    return ["c", "b", "ad", "b"]
''',
    },
}
