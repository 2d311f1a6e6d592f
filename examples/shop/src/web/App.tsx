// The shop's front end: theme, dashboard for staff, product list, recommendations and checkout.
import { useFlags } from 'launchdarkly-react-client-sdk';
import { UiFlag } from '../flags';
import { CheckoutButton } from './CheckoutButton';
import { FeatureGate } from './FeatureGate';
import { PromoBanner } from './PromoBanner';
import { useFeature } from './useFeature';

function ProductList() {
  return <ul className="products"><li>Espresso beans, 1 kg</li><li>Pour-over kettle</li></ul>;
}

function StaffDashboard() {
  return <section className="dashboard">Orders today: 42</section>;
}

function Recommendations() {
  return <section className="recommendations">You may also like: milk frother</section>;
}

export function App() {
  const { betaDashboard } = useFlags();
  const darkMode = useFeature(UiFlag.DarkMode);
  return (
    <div className={darkMode ? 'theme-dark' : 'theme-light'}>
      <PromoBanner />
      {betaDashboard ? <StaffDashboard /> : <ProductList />}
      <FeatureGate flag="recommendations-v2">
        <Recommendations />
      </FeatureGate>
      <CheckoutButton onCheckout={(mode) => console.log(`checkout: ${mode}`)} />
    </div>
  );
}
