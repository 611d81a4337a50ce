//! The read side the pages need beyond history: resting orders, the marked portfolio,
//! P&L, the value series, settlements, and CSV export to a file the person picked. All of
//! it answers from the store, so it works offline.

use std::io::Write as _;
use std::path::Path;

use ipc::commands::history::{ExportCsv, ExportedCsv, HistoryExport};
use ipc::commands::portfolio::{MarketPnl, PortfolioHistory, PortfolioView, SettlementView};
use kalshi::model::Price;
use kalshi::model::order::OrderStatus;
use store::{OrderFilter, OrderRow, PageRequest, Resolution, TimeRange};

use crate::error::CoreError;
use crate::ipc_view;
use crate::session::Session;

/// A range of Unix milliseconds as the store's.
fn range(from_ms: Option<i64>, until_ms: Option<i64>) -> Result<TimeRange, CoreError> {
    let time = |ms: i64| {
        ipc_view::time_of_ms(ms)
            .ok_or_else(|| CoreError::InvalidRequest(format!("{ms} ms is not a time")))
    };
    Ok(TimeRange {
        from: from_ms.map(time).transpose()?,
        until: until_ms.map(time).transpose()?,
    })
}

/// Where an export may be written: an absolute path that is not a folder, in a folder
/// that exists.
///
/// # Errors
/// [`CoreError::InvalidRequest`] saying which rule the path breaks.
pub fn export_path(path: &str) -> Result<&Path, CoreError> {
    let file = Path::new(path);
    if !file.is_absolute() {
        return Err(CoreError::InvalidRequest(format!(
            "the export path {path:?} is not absolute; choose the file in the save dialog"
        )));
    }
    if file.is_dir() {
        return Err(CoreError::InvalidRequest(format!(
            "{path:?} is a folder; choose a file name"
        )));
    }
    match file.parent() {
        Some(dir) if dir.is_dir() => Ok(file),
        _ => Err(CoreError::InvalidRequest(format!(
            "the folder of {path:?} does not exist"
        ))),
    }
}

impl Session {
    /// Resting orders from the store, newest first (`ticker` only, when given).
    ///
    /// # Errors
    /// [`CoreError::Store`].
    pub async fn resting_orders(&self, ticker: Option<&str>) -> Result<Vec<OrderRow>, CoreError> {
        let filter = OrderFilter {
            status: Some(OrderStatus::Resting),
            ticker: ticker.map(|t| store::TickerFilter::Exact(t.to_owned())),
            ..OrderFilter::default()
        };
        let mut request = PageRequest::first(store::MAX_PAGE);
        let mut orders = Vec::new();
        loop {
            let page = self.order_history(&filter, &request).await?;
            orders.extend(page.items);
            match page.next {
                Some(next) => request.after = Some(next),
                None => return Ok(orders),
            }
        }
    }

    /// The last traded YES price of a cached market.
    async fn mark(&self, ticker: &str) -> Option<Price> {
        let cached = self
            .store()
            .cached_market(self.scope(), ticker)
            .await
            .ok()??;
        let last = cached.market.last_price_dollars;
        (!last.is_zero()).then_some(last)
    }

    /// The portfolio page: balance and positions marked at the cached last prices.
    ///
    /// # Errors
    /// As [`Session::portfolio`].
    pub async fn portfolio_view(&self) -> Result<PortfolioView, CoreError> {
        let portfolio = self.portfolio().await?;
        let mut marks = std::collections::HashMap::new();
        for p in &portfolio.positions {
            marks.insert(p.ticker.clone(), self.mark(&p.ticker).await);
        }
        Ok(ipc_view::portfolio_view(&portfolio, |t| {
            marks.get(t).copied().flatten()
        }))
    }

    /// P&L per market (only `tickers`, when given), by ticker.
    ///
    /// # Errors
    /// [`CoreError::Store`].
    pub async fn pnl_by_market(
        &self,
        tickers: Option<&[String]>,
    ) -> Result<Vec<MarketPnl>, CoreError> {
        let all = self.store().pnl_by_market(self.scope(), None).await?;
        Ok(all
            .iter()
            .filter(|m| tickers.is_none_or(|t| t.contains(&m.ticker)))
            .map(ipc_view::market_pnl)
            .collect())
    }

    /// Portfolio value (daily beyond a week) and realised P&L per day over a range.
    ///
    /// # Errors
    /// [`CoreError::InvalidRequest`] for a time out of range, [`CoreError::Store`].
    pub async fn portfolio_history(
        &self,
        from_ms: Option<i64>,
        until_ms: Option<i64>,
    ) -> Result<PortfolioHistory, CoreError> {
        const WEEK_MS: i64 = 7 * 86_400_000;
        let range = range(from_ms, until_ms)?;
        let resolution = match (from_ms, until_ms) {
            (Some(from), Some(until)) if until - from <= WEEK_MS => Resolution::Every,
            _ => Resolution::Daily,
        };
        let points = self
            .store()
            .portfolio_series(self.scope(), &range, resolution)
            .await?;
        let days = self.store().pnl_by_day(self.scope(), &range).await?;
        Ok(PortfolioHistory {
            points: points.iter().map(ipc_view::portfolio_point).collect(),
            daily_pnl: days.iter().map(ipc_view::daily_pnl).collect(),
        })
    }

    /// Settlements paid in a range, newest first.
    ///
    /// # Errors
    /// [`CoreError::InvalidRequest`] for a time out of range, [`CoreError::Store`].
    pub async fn settlement_views(
        &self,
        from_ms: Option<i64>,
        until_ms: Option<i64>,
    ) -> Result<Vec<SettlementView>, CoreError> {
        let rows = self
            .store()
            .settlements(self.scope(), &range(from_ms, until_ms)?)
            .await?;
        Ok(rows.iter().map(ipc_view::settlement_view).collect())
    }

    /// Writes a filtered history as CSV to the file the person picked (replacing it).
    ///
    /// # Errors
    /// [`CoreError::InvalidRequest`] for a relative path, a folder, a missing folder or a
    /// file that cannot be written; the filters' and the store's errors.
    pub async fn export_csv(&self, request: &ExportCsv) -> Result<ExportedCsv, CoreError> {
        let path = export_path(&request.path)?;
        let cannot = |e: std::io::Error| {
            CoreError::InvalidRequest(format!("{:?} cannot be written: {e}", request.path))
        };
        let file = std::fs::File::create(path).map_err(cannot)?;
        let store = self.store().clone();
        let scope = self.scope().clone();
        let export = request.export.clone();
        let runtime = tokio::runtime::Handle::current();
        // The store's export future is not `Send` (its page-fetching closure), so it runs
        // on a blocking thread of its own rather than inside a `Send` command future.
        let written = tokio::task::spawn_blocking(move || -> Result<u64, CoreError> {
            let mut out = std::io::BufWriter::new(file);
            let rows = runtime.block_on(async {
                match &export {
                    HistoryExport::Fills { filter } => {
                        let filter = ipc_view::fill_filter(filter)?;
                        Ok::<_, CoreError>(store.export_fills_csv(&scope, &filter, &mut out).await?)
                    }
                    HistoryExport::Orders { filter } => {
                        let filter = ipc_view::order_filter(filter)?;
                        Ok(store.export_orders_csv(&scope, &filter, &mut out).await?)
                    }
                }
            })?;
            out.flush().map_err(|e| {
                CoreError::InvalidRequest(format!("the export cannot be written: {e}"))
            })?;
            Ok(rows)
        })
        .await
        .map_err(|e| CoreError::InvalidRequest(format!("the export task failed: {e}")))?;
        let rows = written?;
        Ok(ExportedCsv {
            rows,
            path: request.path.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_paths_must_be_absolute_files_in_existing_folders() {
        let dir = tempfile::tempdir().unwrap();
        let ok = dir.path().join("fills.csv");
        assert!(export_path(ok.to_str().unwrap()).is_ok());
        for bad in [
            "fills.csv".to_owned(),
            dir.path().to_str().unwrap().to_owned(),
            dir.path()
                .join("missing/fills.csv")
                .to_str()
                .unwrap()
                .to_owned(),
        ] {
            assert!(
                matches!(export_path(&bad), Err(CoreError::InvalidRequest(_))),
                "{bad}"
            );
        }
    }
}
