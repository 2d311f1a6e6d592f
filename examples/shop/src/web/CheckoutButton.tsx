// The checkout call to action: one-click payment is an experiment on half of the customers.
import { useFlags } from 'launchdarkly-react-client-sdk';

export function CheckoutButton(props: { onCheckout: (mode: 'one-click' | 'cart') => void }) {
  const { oneClickPay } = useFlags();
  if (oneClickPay) {
    return <button onClick={() => props.onCheckout('one-click')}>Buy now with one click</button>;
  }
  return <button onClick={() => props.onCheckout('cart')}>Go to checkout</button>;
}
