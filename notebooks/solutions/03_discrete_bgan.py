# Worked solutions for notebooks/03_discrete_bgan.py: each block replaces the blank of the same name.

### BEGIN EXERCISE per_z_target
joint = log_w + log_g                                      # (K, K): log w(x) + log g(x | z)
target_z = torch.exp(joint - torch.logsumexp(joint.flatten(), 0))   # divide by α(z) = Σ_x w g, in log space
### END EXERCISE

### BEGIN EXERCISE log_space_w_tilde
w_tilde_one = torch.exp(log_w_one - torch.logsumexp(log_w_one, 0))  # (M,): every exponent <= 0, no overflow
### END EXERCISE

### BEGIN EXERCISE bgan_loss
w_tilde_m = torch.softmax(log_w_m, 0)                      # (M, B): self-normalised over the M samples of each z
loss = -(w_tilde_m * log_g_m).sum(0).mean()                # sum over M, mean over B
### END EXERCISE

### BEGIN EXERCISE one_step
x_real = gan.real_batch()                                  # (B, d, K) one-hot data
logits = gan.generator_logits()                            # (B, d, K): fresh z, g(x | z_b)
x_fake = sample_categorical(logits, M, gan.rng)            # (M, B, d): M samples per z, no gradient
v_fake = gan.critic(one_hot(x_fake, GRID).flatten(0, 1)).view(M, B)   # (M, B) critic outputs
log_w_step = gan.divergence.log_weight(v_fake.detach())    # (M, B): log w = V for the GAN divergence, detached
gan.update_critic(x_real, v_fake)                          # one Adam step on the critic (after log w was taken)
log_g_step = categorical_log_prob(logits, x_fake)          # (M, B): log g(x^(m) | z_b), with a graph to θ
loss_g = -(torch.softmax(log_w_step, 0) * log_g_step).sum(0).mean()   # the BGAN loss
gan.update_generator(loss_g)                               # one Adam step on the generator
params = nb03.flat_parameters(gan)
### END EXERCISE
