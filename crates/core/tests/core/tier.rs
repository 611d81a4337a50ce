//! The REST rate-limit tier: Demo and Production sessions adopt the account's own limits
//! once the exchange first answers; a configured tier and the simulator's are kept.

use kalshi::rest::Tier;
use kalshi_sim::server::UsageTier;

use crate::harness::{Env, open_synced};

#[tokio::test]
async fn sessions_adopt_the_tier_the_account_reports_unless_one_is_configured() {
    let env = Env::start_with(|c| c.usage_tier = UsageTier::Premier).await;
    env.register_a();

    let (demo, _events) = open_synced(env.demo_config()).await;
    assert_eq!(
        demo.rate_tier(),
        Tier::Premier,
        "read from /account/limits before the first Synced"
    );
    demo.close().await;

    let mut fixed = env.demo_config();
    fixed.tuning.tier = Some(Tier::Advanced);
    let (demo, _events) = open_synced(fixed).await;
    assert_eq!(demo.rate_tier(), Tier::Advanced, "a configured tier wins");
    demo.close().await;

    let (simulator, _events) = env.open().await;
    assert_ne!(
        simulator.rate_tier(),
        Tier::Premier,
        "the simulator enforces no limits, so its session keeps its own generous tier"
    );
    simulator.close().await;
    env.sim.shutdown().await;
}
