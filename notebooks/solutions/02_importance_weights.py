# Worked solutions for notebooks/02_importance_weights.py: each block replaces the blank of the same name
# (`python tools/notebooks.py solved` fills them in).

### BEGIN EXERCISE log_space_weights
w_tilde = torch.exp(log_w - torch.logsumexp(log_w, dim=0, keepdim=True))   # every exponent <= 0: no overflow
### END EXERCISE

### BEGIN EXERCISE ess_from_log_weights
ess = torch.exp(2 * torch.logsumexp(log_w, 0) - torch.logsumexp(2 * log_w, 0))   # (sum w)^2 / sum w^2, per column
### END EXERCISE

### BEGIN EXERCISE per_z_targets
unnormalised = toy.g * torch.exp(log_w_star)                     # (Z, K): w(x) g(x|z)
my_targets = unnormalised / unnormalised.sum(-1, keepdim=True)   # divide each row by alpha(z)
### END EXERCISE
