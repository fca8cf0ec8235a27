# Worked solutions for notebooks/05_continuous_bgan.py: each block replaces the blank of the same name
# (`python tools/notebooks.py solved` fills them in).

### BEGIN EXERCISE grad_wrt_logit
dl_dv = float(a @ x0[0] + b)      # d(½V²)/dV = V; V = 0.8·2 + (-0.6)·(-1) + 0.5 = 2.7
### END EXERCISE

### BEGIN EXERCISE grad_wrt_x
grad_x = float(a @ x0[0] + b) * a   # V ∇_x V = V a = 2.7 · (0.8, -0.6) = (2.16, -1.62)
### END EXERCISE

### BEGIN EXERCISE arrow_signs
signs = torch.tensor([-1.0, 1.0])   # BGAN: -0.64·2 < 0, back to the boundary; non-saturating: +0.8 σ(-1.6) > 0, further out
### END EXERCISE

### BEGIN EXERCISE log_beta_hat
log_beta_hat = torch.logsumexp(v_big, dim=0) - math.log(len(v_big))   # ≈ 95 - log 4 = 93.61
### END EXERCISE

### BEGIN EXERCISE count_modes
counts = torch.tensor([9 / 12, 3, 2])   # points 0-8 are within 3σ (modes 0, 2, 4 with 5, 3, 1 points); >= 2 points: modes 0 and 2
### END EXERCISE
