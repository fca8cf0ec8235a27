# Worked solutions for notebooks/04_discrete_digits.py: each block replaces the blank of the same name.

### BEGIN EXERCISE class_coverage
labels = proba.argmax(1)                                  # (N,): each row's most probable class
coverage = np.bincount(labels, minlength=10) / len(labels)   # (10,)
### END EXERCISE

### BEGIN EXERCISE bgan_loss
w_tilde = torch.softmax(log_w, 0)                         # (M, B): self-normalised over the M samples of each z
loss = -(w_tilde * log_g).sum(0).mean()                   # sum over M, mean over B
### END EXERCISE

### BEGIN EXERCISE ess_per_z
w_tilde = torch.softmax(log_w, 0)                         # (M, B)
ess = 1 / (w_tilde ** 2).sum(0)                           # (B,)
### END EXERCISE

### BEGIN EXERCISE snr_from_draws
g = grads.flatten(1)                                      # (R, P): one flattened gradient per draw
snr = g.mean(0).pow(2).sum() / g.var(0).sum()             # ||mean||^2 / tr Cov
### END EXERCISE
